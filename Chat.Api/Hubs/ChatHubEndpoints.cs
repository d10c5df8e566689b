using Chat.Api.Validation;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.SignalR;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Chat.Api.Hubs;

public static class ChatHubEndpoints
{
    /// <summary>
    /// A stopping replica takes no new hub connections (503): its clients, just told to go
    /// (ConnectionRegistry), reconnect to another replica instead of landing here again.
    /// </summary>
    public static void UseHubDrainOnStop(this WebApplication app)
    {
        var stopping = app.Lifetime.ApplicationStopping;
        var refusal = new ClientError(StatusCodes.Status503ServiceUnavailable, "This server is stopping",
            Detail: "Connect again: another server takes the connection.", RetryAfter: TimeSpan.FromSeconds(1));
        app.Use((context, next) => stopping.IsCancellationRequested && context.Request.Path.StartsWithSegments(ChatHub.Path)
            ? refusal.ToProblem(context).ExecuteAsync(context)
            : next(context));
    }

    // WebSockets only: clients skip negotiation, so no sticky sessions are needed in front of
    // the replicas (Aspire's proxy, a cloud load balancer).
    public static void MapChatHub(this WebApplication app) =>
        app.MapHub<ChatHub>(ChatHub.Path, options =>
        {
            options.Transports = HttpTransportType.WebSockets;
            // A connection lives no longer than the session that opened it: at the token's
            // expiry SignalR closes it, and the client must come back with a current session.
            options.CloseOnAuthenticationExpiration = true;
        }).RequireAuthorization() // the same cookie as the REST API; anonymous upgrades get 401
        .DisableRequestTimeout(); // the connection lives on; each hub call has its own deadline
}

/// <summary>SignalR's user id is the session token's subject, the same id the REST API uses.</summary>
public sealed class SubjectUserIdProvider : IUserIdProvider
{
    public string? GetUserId(HubConnectionContext connection) => connection.User?.FindFirst(JwtRegisteredClaimNames.Sub)?.Value;
}

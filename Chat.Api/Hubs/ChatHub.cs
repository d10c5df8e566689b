using Chat.Api.Identity;
using Chat.Api.Infrastructure;
using Chat.Api.Messaging;
using Chat.Api.Presence;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Chat.Api.Hubs;

/// <summary>
/// The one live channel to clients (API.md, Live events). Connections may land on any replica;
/// events reach a user's connections through SignalR's per-user groups and the Redis backplane.
/// Each method answers or throws a HubException with a clear message.
/// </summary>
public sealed class ChatHub(ApiInstance instance, MessagingService messaging, PresenceTracker presence, HubSessions sessions) : Hub
{
    public const string Path = "/hubs/chat";

    private string UserId => Context.User!.UserId();

    public override Task OnConnectedAsync()
    {
        sessions.Opened(Context, UserId);
        return presence.ConnectedAsync(Context.ConnectionId, UserId);
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        sessions.Closed(Context);
        return presence.DisconnectedAsync(Context.ConnectionId, UserId);
    }

    /// <summary>Round-trip check; answers with the id of the replica holding this connection.</summary>
    public string Ping() => instance.Id;

    public async Task<MessageResponse> SendMessage(string peerId, SendMessageRequest request)
    {
        var (sent, error) = await messaging.SendAsync(UserId, peerId, request, Context.ConnectionAborted);
        return error is null ? sent!.Message : throw error.ToHubException();
    }

    /// <summary>The client received a pushed message (delivery receipts, for the latency histogram).</summary>
    public void ConfirmDelivery(string messageId, DateTime createdAt) => messaging.ConfirmDelivery(messageId, createdAt);

    public async Task MarkRead(string peerId, long seq)
    {
        if (await messaging.MarkReadAsync(UserId, peerId, seq, Context.ConnectionAborted) is { } error) throw error.ToHubException();
    }

    public async Task Typing(string peerId)
    {
        if (await messaging.TypingAsync(UserId, peerId, Context.ConnectionAborted) is { } error) throw error.ToHubException();
    }
}

/// <summary>SignalR's user id is the session token's subject, the same id the REST API uses.</summary>
public sealed class SubjectUserIdProvider : IUserIdProvider
{
    public string? GetUserId(HubConnectionContext connection) => connection.User?.FindFirst(JwtRegisteredClaimNames.Sub)?.Value;
}

public static class ChatHubEndpoints
{
    // WebSockets only: clients skip negotiation, so no sticky sessions are needed in front of
    // the replicas (Aspire's proxy, a cloud load balancer).
    public static void MapChatHub(this WebApplication app) =>
        app.MapHub<ChatHub>(ChatHub.Path, options => options.Transports = HttpTransportType.WebSockets)
            .RequireAuthorization(); // the same cookie as the REST API; anonymous upgrades get 401
}

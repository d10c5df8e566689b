using Chat.Api.Infrastructure;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Api.Hubs;

/// <summary>
/// The one live channel to clients (see API.md): connections may land on any replica and the
/// Redis backplane carries events between replicas.
/// </summary>
public sealed class ChatHub(ApiInstance instance) : Hub
{
    public const string Path = "/hubs/chat";

    /// <summary>Round-trip check; answers with the id of the replica holding this connection.</summary>
    public string Ping() => instance.Id;
}

public static class ChatHubEndpoints
{
    // WebSockets only: clients skip negotiation, so no sticky sessions are needed in front of
    // the replicas (Aspire's proxy, a cloud load balancer).
    public static void MapChatHub(this WebApplication app) =>
        app.MapHub<ChatHub>(ChatHub.Path, options => options.Transports = HttpTransportType.WebSockets)
            .RequireAuthorization(); // the same cookie as the REST API; anonymous upgrades get 401
}

using Chat.Api.Contracts;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Api.Realtime;

/// <summary>
/// The one way services push to clients: each event goes to the connections that should see it,
/// on whichever replica they are (SignalR's per-user groups over the Redis backplane). Services
/// persist first and push after; a push is an optimisation that catch-up makes good.
/// </summary>
public sealed class ChatNotifier(IHubClients<IChatClient> clients)
{
    /// <summary>A new message: every connection of both participants (the sender's other tabs too).</summary>
    public Task MessageCreatedAsync(MessageResponse message) =>
        clients.Users(message.SenderId, message.RecipientId).MessageReceived(message);

    /// <summary>An edited or deleted message: every connection of both participants.</summary>
    public Task MessageChangedAsync(MessageResponse message) =>
        clients.Users(message.SenderId, message.RecipientId).MessageUpdated(message);

    public Task ReadMovedAsync(ReadUpToEvent readUpTo, string peerId) =>
        clients.Users(readUpTo.ReaderId, peerId).ReadUpTo(readUpTo);

    /// <summary>Only the peer sees that someone is typing to them.</summary>
    public Task TypingAsync(TypingEvent typing, string peerId) => clients.User(peerId).Typing(typing);

    public Task PresenceChangedAsync(IReadOnlyList<PresenceDelta> changes) => clients.All.PresenceChanged(changes);
}

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

    /// <summary>
    /// An edited, deleted or reacted-to message: every connection of both participants, each
    /// their own copy when they differ (which reactions are mine).
    /// </summary>
    public Task MessageChangedAsync(MessageResponse forSender, MessageResponse forRecipient) =>
        forSender.Reactions.SequenceEqual(forRecipient.Reactions)
            ? clients.Users(forSender.SenderId, forSender.RecipientId).MessageUpdated(forSender)
            : Task.WhenAll(clients.User(forSender.SenderId).MessageUpdated(forSender),
                clients.User(forSender.RecipientId).MessageUpdated(forRecipient));

    /// <summary>The reader's devices, and the peer unless a block separates them.</summary>
    public Task ReadMovedAsync(ReadUpToEvent readUpTo, string peerId, bool peerSees) =>
        (peerSees ? clients.Users(readUpTo.ReaderId, peerId) : clients.User(readUpTo.ReaderId)).ReadUpTo(readUpTo);

    /// <summary>Only the peer sees that someone is typing to them.</summary>
    public Task TypingAsync(TypingEvent typing, string peerId) => clients.User(peerId).Typing(typing);

    /// <summary>Everyone, but the connections in <paramref name="hiddenFrom"/> (people a block separates from these users).</summary>
    public Task PresenceChangedAsync(IReadOnlyList<PresenceDelta> changes, IReadOnlyList<string> hiddenFrom) =>
        (hiddenFrom.Count == 0 ? clients.All : clients.AllExcept(hiddenFrom)).PresenceChanged(changes);
}

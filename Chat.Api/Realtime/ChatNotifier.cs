using Chat.Api.Contracts;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Api.Realtime;

/// <summary>
/// The one way services push to clients: each event goes to the connections that should see it,
/// on whichever replica they are (SignalR over the Redis backplane): a pair's events to its two
/// users (per-user groups), a group's to the group's SignalR group, which holds exactly its
/// members' connections (<see cref="GroupConnections"/>), so a group message is one publish
/// whatever the group's size. Services persist first and push after; a push is an optimisation
/// that catch-up makes good.
/// </summary>
public sealed class ChatNotifier(IHubClients<IChatClient> clients)
{
    /// <summary>
    /// A new message: every connection of both participants (the sender's other tabs too), or of
    /// every member, and of <paramref name="formerMembers"/> (the event that took them out).
    /// </summary>
    public Task MessageCreatedAsync(MessageResponse message, IReadOnlyList<string>? formerMembers = null)
    {
        if (message.RecipientId is { } recipientId) return clients.Users(message.SenderId, recipientId).MessageReceived(message);
        var toMembers = Group(message.ConversationId).MessageReceived(message);
        return formerMembers is { Count: > 0 } ? Task.WhenAll(toMembers, clients.Users(formerMembers).MessageReceived(message)) : toMembers;
    }

    /// <summary>
    /// An edited, deleted or reacted-to message: every connection of each viewer, each their own
    /// copy where they differ (which reactions are mine), one send per distinct copy.
    /// </summary>
    public Task MessageChangedAsync(IReadOnlyDictionary<string, MessageResponse> viewsByViewer) =>
        Task.WhenAll(viewsByViewer
            .GroupBy(v => string.Join('|', v.Value.Reactions.Select(r => $"{r.Emoji}:{r.Count}:{r.Mine}")))
            .Select(same => clients.Users(same.Select(v => v.Key).ToList()).MessageUpdated(same.First().Value)));

    /// <summary>The reader's devices, and in a pair the peer where <paramref name="peerSees"/> (a group's readers: <see cref="GroupReadProgressAsync"/>).</summary>
    public Task ReadMovedAsync(ReadUpToEvent readUpTo, string? peerId, bool peerSees) =>
        (peerId is not null && peerSees ? clients.Users(readUpTo.ReaderId, peerId) : clients.User(readUpTo.ReaderId)).ReadUpTo(readUpTo);

    /// <summary>Only the peer sees that someone is typing to them; in a group, the members (clients skip their own).</summary>
    public Task TypingAsync(TypingEvent typing, string? peerId) =>
        (peerId is not null ? clients.User(peerId) : Group(typing.ConversationId)).Typing(typing);

    /// <summary>Everyone, but the connections in <paramref name="hiddenFrom"/> (people a block separates from these users).</summary>
    public Task PresenceChangedAsync(IReadOnlyList<PresenceDelta> changes, IReadOnlyList<string> hiddenFrom) =>
        (hiddenFrom.Count == 0 ? clients.All : clients.AllExcept(hiddenFrom)).PresenceChanged(changes);

    /// <summary>Only these users (a presence whose owner chose who sees it).</summary>
    public Task PresenceChangedToAsync(IReadOnlyList<PresenceDelta> changes, IReadOnlyList<string> userIds) =>
        clients.Users(userIds).PresenceChanged(changes);

    /// <summary>Each user their own view of the group (their role differs), one send per distinct view.</summary>
    public Task GroupChangedAsync(IReadOnlyDictionary<string, GroupInfo> infoByUser) =>
        Task.WhenAll(infoByUser.GroupBy(i => i.Value)
            .Select(same => clients.Users(same.Select(i => i.Key).ToList()).GroupChanged(new GroupChangedEvent(same.Key))));

    /// <summary>The group's connections, or only <paramref name="toMembers"/> where some members may not see it.</summary>
    public Task GroupReadProgressAsync(GroupReadProgressEvent progress, IReadOnlyList<string>? toMembers) =>
        (toMembers is null ? Group(progress.ConversationId) : clients.Users(toMembers)).GroupReadProgress(progress);

    /// <summary>Every device of the user: mute follows them.</summary>
    public Task MuteChangedAsync(string userId, MuteChangedEvent changed) => clients.User(userId).MuteChanged(changed);

    private IChatClient Group(string groupId) => clients.Group(GroupConnections.ChannelOf(groupId));
}

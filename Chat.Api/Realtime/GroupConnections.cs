using Microsoft.AspNetCore.SignalR;

namespace Chat.Api.Realtime;

/// <summary>
/// Which of this replica's hub connections receive which group: each group is a SignalR group
/// ("group:{id}"), so a group message is one publish on the backplane whatever the group's size,
/// and each replica writes it to its own members' connections. A connection joins its user's
/// groups when it opens; a membership change moves the user's connections on every replica
/// (<see cref="Groups.GroupMembers"/> tells each replica over Redis).
/// </summary>
public sealed class GroupConnections(IGroupManager groups, ConnectionRegistry connections)
{
    public static string ChannelOf(string groupId) => $"group:{groupId}";

    public Task JoinAsync(string connectionId, IEnumerable<string> groupIds) =>
        Task.WhenAll(groupIds.Select(groupId => groups.AddToGroupAsync(connectionId, ChannelOf(groupId))));

    /// <summary>This replica's connections of <paramref name="userId"/> join or leave the group.</summary>
    public Task MoveAsync(string groupId, string userId, bool joined) =>
        Task.WhenAll(connections.ConnectionsOf(userId).Select(connectionId => joined
            ? groups.AddToGroupAsync(connectionId, ChannelOf(groupId))
            : groups.RemoveFromGroupAsync(connectionId, ChannelOf(groupId))));
}

using Chat.Api.Groups;
using Chat.Api.Messaging;

namespace Chat.Api.Privacy;

/// <summary>
/// "My conversations", as the privacy choices mean it: the people a user has a one-to-one
/// conversation with (a message request does not count until it is accepted) and the current
/// members of the groups the user is in. The relation is symmetric, so a directory page asks it
/// once, of its viewer. Read when asked (two queries and the kept group snapshots): only users
/// who chose "my conversations" are asked about, so a change shows at once on every replica.
/// </summary>
public sealed class ConversationTies(MessageStore messages, GroupStore groupStore, GroupMembers groups)
{
    // The most recent conversations a user's ties are read from; older ones count as none.
    private const int MaxPairs = 1000;

    public async Task<HashSet<string>> OfAsync(string userId, CancellationToken cancellationToken)
    {
        var pairs = messages.ConversationsOfAsync(userId, MaxPairs, cancellationToken);
        var memberships = await groupStore.MembershipsOfAsync(userId, cancellationToken);
        var snapshots = await Task.WhenAll(memberships.Where(m => m.IsIn).Select(m => groups.GetAsync(m.GroupId, cancellationToken)));
        var ties = (await pairs).Where(c => c.LastSeq > 0 && c.RequestTo is null).Select(c => c.PeerOf(userId)).ToHashSet();
        foreach (var snapshot in snapshots)
        {
            if (snapshot is not null) ties.UnionWith(snapshot.Members.Select(m => m.UserId));
        }
        ties.Remove(userId);
        return ties;
    }
}

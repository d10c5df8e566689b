using Chat.Api.Contracts;
using Chat.Api.Infrastructure;
using Chat.Api.Messaging;
using Chat.Api.Realtime;
using StackExchange.Redis;

namespace Chat.Api.Groups;

/// <summary>A group and every membership it ever had, as read at one moment.</summary>
public sealed record GroupSnapshot(ConversationDocument Group, IReadOnlyDictionary<string, GroupMemberDocument> Memberships)
{
    public GroupMemberDocument? Of(string userId) => Memberships.GetValueOrDefault(userId);

    /// <summary>The members now, longest-standing first.</summary>
    public IEnumerable<GroupMemberDocument> Members =>
        Memberships.Values.Where(m => m.IsIn).OrderBy(m => m.JoinedAt).ThenBy(m => m.UserId, StringComparer.Ordinal);

    public int MemberCount => Memberships.Values.Count(m => m.IsIn);

    /// <summary>The group as <paramref name="userId"/> sees it: their role while in, when they left once out.</summary>
    public GroupInfo InfoFor(string userId)
    {
        var membership = Of(userId);
        var isIn = membership is { IsIn: true };
        return new GroupInfo(Group.Id, Group.Name ?? "", Group.AvatarUrl, MemberCount, isIn ? membership!.Role : null,
            Group.CreatedAt ?? default, isIn ? null : membership?.LeftAt);
    }
}

/// <summary>
/// Who is in which group, as every access check and push asks it: each replica keeps the groups
/// it was asked about in memory (a snapshot read in two queries), so a group message costs no
/// database or Redis command for its access check. A membership change drops the snapshot on
/// every replica at once (a Redis channel) and moves the user's open connections into or out of
/// the group's SignalR group there (<see cref="GroupConnections"/>). A snapshot lives at most
/// <see cref="KeptFor"/>, which bounds how stale a replica can be if a notice is lost (Redis down).
/// Changes themselves read the store, never the snapshot.
/// </summary>
public sealed class GroupMembers(GroupStore store, GroupConnections connections, IConnectionMultiplexer redis, TimeProvider time,
    ILogger<GroupMembers> logger) : BackgroundService
{
    private static readonly RedisChannel Changes = RedisChannel.Literal("chat:group-members");
    private static readonly TimeSpan KeptFor = TimeSpan.FromSeconds(30);

    private readonly KeptCopies<GroupSnapshot> _kept = new(KeptFor, maxKept: 10_000, time);

    /// <summary>The group as last read (null: no such group).</summary>
    public Task<GroupSnapshot?> GetAsync(string groupId, CancellationToken cancellationToken) =>
        _kept.GetAsync(groupId, () => ReadAsync(groupId, cancellationToken));

    /// <summary>The group as stored now (for a change, which must not act on a stale copy).</summary>
    public async Task<GroupSnapshot?> ReadAsync(string groupId, CancellationToken cancellationToken)
    {
        var group = await store.FindGroupAsync(groupId, cancellationToken);
        if (group is null) return null;
        var members = await store.MembersOfAsync(groupId, cancellationToken);
        return new GroupSnapshot(group, members.ToDictionary(m => m.UserId));
    }

    /// <summary>
    /// A change is stored: every replica drops the snapshot and moves the connections of the users
    /// who joined or left. Done here first, then on the others; returns once Redis took the
    /// notice, so what the caller stores next (the event, a message) is pushed after it.
    /// </summary>
    public async Task ChangedAsync(string groupId, IReadOnlyCollection<string> joined, IReadOnlyCollection<string> left)
    {
        await ApplyAsync(groupId, joined, left);
        var notice = string.Join(' ', [groupId, .. joined.Select(u => "+" + u), .. left.Select(u => "-" + u)]);
        await redis.GetSubscriber().PublishAsync(Changes, notice);
    }

    /// <summary>
    /// A new hub connection receives its user's groups. Opening a connection needs only Redis: if
    /// MongoDB does not name the groups within <see cref="JoinWait"/> (stalled, restarting), the
    /// connection opens anyway and joins as soon as it does (no group message can be stored meanwhile).
    /// </summary>
    public async Task ConnectedAsync(string connectionId, string userId, CancellationToken connectionAborted)
    {
        var joining = JoinUntilDoneAsync(connectionId, userId, connectionAborted);
        if (await Task.WhenAny(joining, Task.Delay(JoinWait, connectionAborted)) != joining)
        {
            logger.LogWarning("Connection {ConnectionId} opened before its groups were known; it joins them once MongoDB answers.", connectionId);
        }
    }

    private static readonly TimeSpan JoinWait = TimeSpan.FromSeconds(1);

    private async Task JoinUntilDoneAsync(string connectionId, string userId, CancellationToken connectionAborted)
    {
        while (!connectionAborted.IsCancellationRequested)
        {
            try
            {
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(connectionAborted);
                deadline.CancelAfter(DependencyFailures.RequestTimeout);
                var memberships = await store.MembershipsOfAsync(userId, deadline.Token);
                await connections.JoinAsync(connectionId, memberships.Where(m => m.IsIn).Select(m => m.GroupId));
                return;
            }
            catch (Exception ex) when (!connectionAborted.IsCancellationRequested)
            {
                logger.LogDebug(ex, "Groups of connection {ConnectionId} not read yet; trying again.", connectionId);
                try
                {
                    await Task.Delay(JoinWait, connectionAborted);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task ApplyAsync(string groupId, IEnumerable<string> joined, IEnumerable<string> left)
    {
        _kept.Drop(groupId);
        await Task.WhenAll(
            left.Select(userId => connections.MoveAsync(groupId, userId, joined: false))
                .Concat(joined.Select(userId => connections.MoveAsync(groupId, userId, joined: true))));
    }

    // Notices are handled in the order they came (one queue), removals before the messages
    // published after them.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        RedisSubscriptions.SubscribeWhenRedisAnswersAsync(async () =>
        {
            var queue = await redis.GetSubscriber().SubscribeAsync(Changes);
            queue.OnMessage(message => HandleAsync(message.Message!));
        }, Changes, logger, stoppingToken);

    private async Task HandleAsync(string notice)
    {
        var parts = notice.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) return;
        try
        {
            await ApplyAsync(parts[0],
                parts.Skip(1).Where(p => p[0] == '+').Select(p => p[1..]),
                parts.Skip(1).Where(p => p[0] == '-').Select(p => p[1..]));
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Group change {Notice} not applied to this replica's connections.", notice);
        }
    }
}

using Chat.Api.Contracts;
using Chat.Api.Groups;
using Chat.Api.Realtime;
using StackExchange.Redis;

namespace Chat.Api.Messaging;

/// <summary>
/// "Seen by": a group's members learn every member's read seq (GroupReadProgress) at most once a
/// second per group, across the cluster, however many read. The first mark of a second takes a
/// Redis key that expires after it and announces what is stored when it ends, so the marks that
/// came meanwhile, on any replica, are in that announcement.
/// </summary>
public sealed class GroupReadProgress(
    IConnectionMultiplexer redis, MessageStore messages, GroupMembers groups, ChatNotifier notifier, ILogger<GroupReadProgress> logger)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    public async Task MovedAsync(string groupId)
    {
        if (!await redis.GetDatabase().StringSetAsync($"chat:group-read:{groupId}", 1, Interval, When.NotExists)) return;
        _ = AnnounceAsync(groupId);
    }

    private async Task AnnounceAsync(string groupId)
    {
        try
        {
            await Task.Delay(Interval);
            using var deadline = new CancellationTokenSource(Infrastructure.DependencyFailures.RequestTimeout);
            var conversation = await messages.FindConversationAsync(groupId, deadline.Token);
            var group = await groups.GetAsync(groupId, deadline.Token);
            if (conversation is null || group is null) return;
            var readers = group.Members.Select(m => new GroupReader(m.UserId, conversation.ReadSeqOf(m.UserId))).ToList();
            await notifier.GroupReadProgressAsync(new GroupReadProgressEvent(groupId, readers));
        }
        catch (Exception ex)
        {
            // Members still see each read position in GET /api/groups/{id}.
            logger.LogWarning(ex, "Read progress of group {GroupId} not announced.", groupId);
        }
    }
}

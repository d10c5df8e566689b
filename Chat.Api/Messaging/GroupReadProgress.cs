using Chat.Api.Contracts;
using Chat.Api.Groups;
using Chat.Api.Privacy;
using Chat.Api.Realtime;
using StackExchange.Redis;

namespace Chat.Api.Messaging;

/// <summary>
/// "Seen by": a group's members learn every member's read seq (GroupReadProgress) at most once a
/// second per group, across the cluster, however many read. The first mark of a second takes a
/// Redis key that expires after it and announces what is stored when it ends, so the marks that
/// came meanwhile, on any replica, are in that announcement. A member with read receipts off is
/// left out of it and is not sent it (as WhatsApp: they show none and see none).
/// </summary>
public sealed class GroupReadProgress(
    IConnectionMultiplexer redis, MessageStore messages, GroupMembers groups, PrivacySettings privacy, ChatNotifier notifier,
    ILogger<GroupReadProgress> logger)
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
            var memberIds = group.Members.Select(m => m.UserId).ToList();
            var choices = await privacy.OfManyAsync(memberIds, deadline.Token);
            var sharing = memberIds.Where(id => choices[id].ReadReceipts).ToList();
            var progress = new GroupReadProgressEvent(groupId, sharing.Select(id => new GroupReader(id, conversation.ReadSeqOf(id))).ToList());
            await notifier.GroupReadProgressAsync(progress, toMembers: sharing.Count == memberIds.Count ? null : sharing);
        }
        catch (Exception ex)
        {
            // Members still see each read position in GET /api/groups/{id}.
            logger.LogWarning(ex, "Read progress of group {GroupId} not announced.", groupId);
        }
    }
}

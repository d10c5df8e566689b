using Chat.Api.Contracts;
using Chat.Api.Realtime;
using Chat.Api.Validation;
using StackExchange.Redis;

namespace Chat.Api.Messaging;

/// <summary>
/// "Typing…" to the peer or the group: not stored, at most one event a second per (sender,
/// conversation) across the cluster (a Redis key that expires). Keystrokes arrive many times a
/// second, so the throttle comes before anything that asks the database.
/// </summary>
public sealed class TypingSignals(IConnectionMultiplexer redis, ConversationAccess access, MessageRequests requests, ChatNotifier notifier)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    public async Task<ClientError?> TypingAsync(string userId, ConversationRef target, CancellationToken cancellationToken)
    {
        var key = target.GroupId ?? target.PeerId;
        if (target.GroupId is null && PeerCheck.CheckShape(userId, target.PeerId) is { } invalid) return invalid;
        if (target.GroupId is not null && !Accounts.UserIds.IsCanonical(target.GroupId)) return ConversationAccess.NoGroup;
        var first = await redis.GetDatabase().StringSetAsync($"chat:typing:{userId}:{key}", 1, Interval, When.NotExists);
        if (!first) return null;
        var (grant, refused) = await access.ResolveAsync(userId, target, ConversationNeed.Write, cancellationToken);
        if (grant is null) return refused;
        // A request tells neither side anything of the other until it is accepted.
        if (!grant.IsGroup && await requests.IsPendingAsync(grant, cancellationToken)) return null;
        await notifier.TypingAsync(new TypingEvent(grant.ConversationId, userId), grant.PeerId);
        return null;
    }
}

using Chat.Api.Blocking;
using Chat.Api.Contracts;
using Chat.Api.Realtime;
using Chat.Api.Validation;
using StackExchange.Redis;

namespace Chat.Api.Messaging;

/// <summary>
/// "Typing…" to the peer: not stored, at most one event a second per (sender, peer) across the
/// cluster (a Redis key that expires). Keystrokes arrive many times a second, so the throttle
/// comes before anything that asks the database.
/// </summary>
public sealed class TypingSignals(IConnectionMultiplexer redis, PeerCheck peers, BlockList blocks, ChatNotifier notifier)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    public async Task<ClientError?> TypingAsync(string userId, string? peerId, CancellationToken cancellationToken)
    {
        if (PeerCheck.CheckShape(userId, peerId) is { } invalid) return invalid;
        var first = await redis.GetDatabase().StringSetAsync($"chat:typing:{userId}:{peerId}", 1, Interval, When.NotExists);
        if (!first) return null;
        if (await peers.CheckAsync(userId, peerId, cancellationToken) is { } peerError) return peerError;
        if (await blocks.RefusalAsync(userId, peerId!, cancellationToken) is { } blocked) return blocked;
        await notifier.TypingAsync(new TypingEvent(ConversationIds.For(userId, peerId!), userId), peerId!);
        return null;
    }
}

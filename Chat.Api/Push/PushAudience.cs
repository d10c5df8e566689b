using Chat.Api.Infrastructure;
using StackExchange.Redis;

namespace Chat.Api.Push;

/// <summary>A user's devices that take pushes and the conversations they muted, as read at one moment.</summary>
public sealed record PushProfile(IReadOnlyList<PushSubscriptionDocument> Subscriptions, IReadOnlySet<string> Muted)
{
    public static readonly PushProfile None = new([], new HashSet<string>());
}

/// <summary>
/// Whom a message may reach by push, as the dispatcher asks it for every recipient: each replica
/// keeps the profiles it read in memory (<see cref="KeptCopies{T}"/>), so a steady conversation costs no database command per
/// message (and a user without devices costs one read per <see cref="KeptFor"/>). A change (a
/// subscription, a mute, a log-out, a push service's 410) drops the profile on every replica at
/// once through a Redis channel; <see cref="KeptFor"/> bounds the staleness if a notice is lost.
/// </summary>
public sealed class PushAudience(PushStore store, IConnectionMultiplexer redis, TimeProvider time, ILogger<PushAudience> logger) : BackgroundService
{
    private static readonly RedisChannel Changes = RedisChannel.Literal("chat:push-audience");
    private static readonly TimeSpan KeptFor = TimeSpan.FromMinutes(2);

    private readonly KeptCopies<PushProfile> _kept = new(KeptFor, maxKept: 50_000, time);

    public async Task<PushProfile> GetAsync(string userId, CancellationToken cancellationToken) =>
        (await _kept.GetAsync(userId, async () =>
        {
            var subscriptions = await store.OfUserAsync(userId, cancellationToken);
            // Mutes matter only to someone with a device to push to.
            return subscriptions.Count == 0 ? PushProfile.None : new PushProfile(subscriptions, await store.MutedByAsync(userId, cancellationToken));
        }))!;

    /// <summary>
    /// True when this replica knows, without asking anyone, that the user has no device to push
    /// to: the common case, which then costs a message nothing (not even a wake-up of the dispatcher).
    /// </summary>
    public bool KnownWithoutDevices(string userId) => _kept.Peek(userId) is { Subscriptions.Count: 0 };

    /// <summary>The user's devices or mutes changed: dropped here at once, then on every replica.</summary>
    public async Task ChangedAsync(string userId)
    {
        Drop(userId);
        await RedisSubscriptions.AnnounceAsync(redis, Changes, userId, KeptFor, logger);
    }

    private void Drop(string userId) => _kept.Drop(userId);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        RedisSubscriptions.SubscribeWhenRedisAnswersAsync(
            () => redis.GetSubscriber().SubscribeAsync(Changes, (_, userId) => Drop(userId!)), Changes, logger, stoppingToken);
}

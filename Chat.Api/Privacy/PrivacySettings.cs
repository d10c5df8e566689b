using Chat.Api.Accounts;
using Chat.Api.Infrastructure;
using StackExchange.Redis;

namespace Chat.Api.Privacy;

/// <summary>
/// Every user's privacy choices as the paths that honour them ask (presence, read marks, the
/// directory, sends): each replica keeps what it read (<see cref="KeptCopies{T}"/>), so asking
/// costs no database command; a change drops the copy on every replica at once through a Redis
/// channel, and <see cref="KeptFor"/> bounds the staleness if that notice is lost.
/// </summary>
public sealed class PrivacySettings(UserStore users, IConnectionMultiplexer redis, TimeProvider time, ILogger<PrivacySettings> logger)
    : BackgroundService
{
    private static readonly RedisChannel Changes = RedisChannel.Literal("chat:privacy");
    private static readonly TimeSpan KeptFor = TimeSpan.FromMinutes(5);

    private readonly KeptCopies<PrivacyDocument> _kept = new(KeptFor, maxKept: 100_000, time);

    public async Task<PrivacyDocument> OfAsync(string userId, CancellationToken cancellationToken) =>
        (await _kept.GetAsync(userId, async () => (await users.FindByIdAsync(userId, cancellationToken))?.Privacy ?? PrivacyDocument.Default))!;

    /// <summary>The choices of each of these users (one database command for those not kept; unknown ids get the defaults).</summary>
    public Task<Dictionary<string, PrivacyDocument>> OfManyAsync(IEnumerable<string> userIds, CancellationToken cancellationToken) =>
        _kept.GetManyAsync(userIds, async missing =>
        {
            var stored = (await users.FindManyAsync(missing, cancellationToken)).ToDictionary(u => u.Id, u => u.Privacy ?? PrivacyDocument.Default);
            return missing.ToDictionary(id => id, id => stored.GetValueOrDefault(id, PrivacyDocument.Default));
        });

    /// <summary>
    /// Which of <paramref name="readerIds"/> the viewer may see read marks of: as WhatsApp does,
    /// someone with read receipts off shows none and sees none; everyone sees their own.
    /// </summary>
    public async Task<HashSet<string>> ReadsVisibleToAsync(string viewerId, IReadOnlyCollection<string> readerIds, CancellationToken cancellationToken)
    {
        var choices = await OfManyAsync(readerIds.Append(viewerId), cancellationToken);
        if (!choices[viewerId].ReadReceipts) return readerIds.Contains(viewerId) ? [viewerId] : [];
        return readerIds.Where(id => id == viewerId || choices[id].ReadReceipts).ToHashSet();
    }

    /// <summary>Stores the user's new choices and drops every replica's copy.</summary>
    public async Task SaveAsync(string userId, PrivacyDocument privacy, CancellationToken cancellationToken)
    {
        await users.SetPrivacyAsync(userId, privacy, cancellationToken);
        _kept.Drop(userId);
        await RedisSubscriptions.AnnounceAsync(redis, Changes, userId, KeptFor, logger);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        RedisSubscriptions.SubscribeWhenRedisAnswersAsync(
            () => redis.GetSubscriber().SubscribeAsync(Changes, (_, userId) => _kept.Drop(userId!)), Changes, logger, stoppingToken);
}

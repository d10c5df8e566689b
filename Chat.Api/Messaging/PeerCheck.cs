using Chat.Api.Accounts;
using Chat.Api.Infrastructure;
using Chat.Api.Validation;
using Microsoft.Extensions.Caching.Memory;
using StackExchange.Redis;

namespace Chat.Api.Messaging;

/// <summary>
/// Whether a user may have a conversation with <c>peerId</c>: someone else, who exists, named by
/// the canonical form of their id (so one pair of users has exactly one conversation), and, to
/// write, whose account was not deleted (their history stays readable). Asked on every send, read
/// mark and history page, so the answer is remembered; a deletion drops it on every replica at
/// once (a Redis channel), and <see cref="RememberedFor"/> bounds it if that notice is lost.
/// </summary>
public sealed class PeerCheck(UserStore users, IMemoryCache known, IConnectionMultiplexer redis, ILogger<PeerCheck> logger) : BackgroundService
{
    private static readonly TimeSpan RememberedFor = TimeSpan.FromMinutes(30);
    private static readonly RedisChannel Deletions = RedisChannel.Literal("chat:accounts-deleted");

    public static readonly ClientError Deleted = new(StatusCodes.Status410Gone, "This account was deleted",
        Detail: "Its history stays readable; nothing new can be sent to it.");

    /// <summary>A well-formed id of someone else; no database call. Enough before a cheaper refusal (typing's throttle).</summary>
    public static ClientError? CheckShape(string userId, string? peerId)
    {
        if (string.IsNullOrEmpty(peerId)) return ClientError.Invalid("peerId", "peerId is required.");
        // Ids are lower-case hex: another spelling of an existing id would open a second,
        // phantom conversation that the peer never sees.
        if (!UserIds.IsCanonical(peerId)) return ClientError.NotFound("User");
        if (peerId == userId) return ClientError.Invalid("peerId", "A conversation needs someone else.");
        return null;
    }

    /// <summary>A well-formed id of someone else this replica already knows to exist (deleted or not); no database call.</summary>
    public bool IsKnown(string userId, string? peerId) => CheckShape(userId, peerId) is null && known.TryGetValue(KnownKey(peerId!), out _);

    public async Task<ClientError?> CheckAsync(string userId, string? peerId, bool toWrite, CancellationToken cancellationToken)
    {
        if (CheckShape(userId, peerId) is { } invalid) return invalid;
        if (!known.TryGetValue(KnownKey(peerId!), out bool deleted))
        {
            if (await users.FindByIdAsync(peerId!, cancellationToken) is not { } peer) return ClientError.NotFound("User");
            deleted = peer.DeletedAt is not null;
            known.Set(KnownKey(peerId!), deleted, RememberedFor);
        }
        return toWrite && deleted ? Deleted : null;
    }

    /// <summary>The account is deleted (stored already): every replica asks again.</summary>
    public async Task AccountDeletedAsync(string userId)
    {
        known.Remove(KnownKey(userId));
        await RedisSubscriptions.AnnounceAsync(redis, Deletions, userId, RememberedFor, logger);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        RedisSubscriptions.SubscribeWhenRedisAnswersAsync(
            () => redis.GetSubscriber().SubscribeAsync(Deletions, (_, userId) => known.Remove(KnownKey(userId!))), Deletions, logger, stoppingToken);

    private static string KnownKey(string userId) => $"peer:{userId}";
}

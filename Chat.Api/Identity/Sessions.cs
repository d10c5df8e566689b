using Chat.Api.Accounts;
using StackExchange.Redis;

namespace Chat.Api.Identity;

/// <summary>
/// Whether a session is still current, checked on every authenticated request and hub upgrade:
/// it was not logged out (its id is not among the ended ones) and its user did not log out
/// everywhere (the stamp it carries is the user's current one). One Redis round trip for both
/// (the keys share a hash slot, so this holds on a clustered Redis too); MongoDB is the source
/// of the stamp when Redis has none.
/// </summary>
public sealed class Sessions(IConnectionMultiplexer redis, UserStore users, TimeProvider time)
{
    private static readonly TimeSpan StampCacheLifetime = TimeSpan.FromHours(1);

    private static RedisKey StampKey(string userId) => $"chat:session:{{{userId}}}:stamp";
    private static RedisKey EndedKey(string userId, string sessionId) => $"chat:session:{{{userId}}}:ended:{sessionId}";

    public async Task<bool> IsCurrentAsync(string userId, string? stamp, string? sessionId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(stamp) || string.IsNullOrEmpty(sessionId)) return false;
        var db = redis.GetDatabase();
        var values = await db.StringGetAsync([StampKey(userId), EndedKey(userId, sessionId)]);
        if (values[1].HasValue) return false;
        if (values[0].HasValue) return values[0] == stamp;

        var user = await users.FindByIdAsync(userId, cancellationToken);
        if (user is null) return false;
        await db.StringSetAsync(StampKey(userId), user.SessionStamp, StampCacheLifetime);
        return user.SessionStamp == stamp;
    }

    /// <summary>Ends one session (log out) on every replica: remembered until the token would have expired anyway.</summary>
    public async Task EndAsync(string userId, string sessionId, DateTimeOffset expiresAt)
    {
        var remaining = expiresAt - time.GetUtcNow();
        if (remaining <= TimeSpan.Zero) return;
        await redis.GetDatabase().StringSetAsync(EndedKey(userId, sessionId), 1, remaining);
    }

    /// <summary>Ends every session of the user: a new stamp in MongoDB, then in Redis.</summary>
    public async Task RenewStampAsync(string userId, CancellationToken cancellationToken)
    {
        var stamp = await users.RenewSessionStampAsync(userId, cancellationToken);
        await redis.GetDatabase().StringSetAsync(StampKey(userId), stamp, StampCacheLifetime);
    }
}

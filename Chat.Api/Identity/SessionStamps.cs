using Chat.Api.Accounts;
using StackExchange.Redis;

namespace Chat.Api.Identity;

/// <summary>
/// The current session stamp of each user, checked on every authenticated request. Redis holds
/// a copy (one GET, shared by all replicas, so "log out everywhere" on one replica ends the
/// session on every other at once); MongoDB is the source when Redis has none.
/// </summary>
public sealed class SessionStamps(IConnectionMultiplexer redis, UserStore users)
{
    private static readonly TimeSpan CacheLifetime = TimeSpan.FromHours(1);

    private static RedisKey Key(string userId) => $"chat:session-stamp:{userId}";

    /// <summary>The user's current stamp; null when the user does not exist (any more).</summary>
    public async Task<string?> CurrentAsync(string userId, CancellationToken cancellationToken)
    {
        var db = redis.GetDatabase();
        var cached = await db.StringGetAsync(Key(userId));
        if (cached.HasValue) return cached.ToString();

        var user = await users.FindByIdAsync(userId, cancellationToken);
        if (user is null) return null;
        await db.StringSetAsync(Key(userId), user.SessionStamp, CacheLifetime);
        return user.SessionStamp;
    }

    /// <summary>Ends every session of the user: a new stamp in MongoDB, then in Redis.</summary>
    public async Task<string> RenewAsync(string userId, CancellationToken cancellationToken)
    {
        var stamp = await users.RenewSessionStampAsync(userId, cancellationToken);
        await redis.GetDatabase().StringSetAsync(Key(userId), stamp, CacheLifetime);
        return stamp;
    }
}

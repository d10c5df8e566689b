using Chat.Api.Accounts;
using StackExchange.Redis;

namespace Chat.Api.Identity;

/// <summary>
/// Whether a session is still current, checked on every authenticated request and hub upgrade:
/// it was not signed out (MongoDB's <see cref="SessionDocument.EndedAt"/>, the truth) and its user
/// did not log out everywhere (the stamp it carries is the user's current one). Redis holds the
/// fast copy: the stamp, an "ended" mark and a "live" mark per session, read in one round trip
/// (the keys share a hash slot, so this holds on a clustered Redis too). A session without a live
/// mark is read from MongoDB (at most once per <see cref="LiveFor"/>, which is also when its
/// last-active time moves), so a Redis that lost its data (a restart) forgets nothing.
/// </summary>
public sealed class Sessions(IConnectionMultiplexer redis, UserStore users, SessionStore store, TimeProvider time)
{
    private static readonly TimeSpan StampCacheLifetime = TimeSpan.FromHours(1);

    /// <summary>How long a session is taken as live without asking MongoDB; how coarse its last-active time is.</summary>
    public static readonly TimeSpan LiveFor = TimeSpan.FromMinutes(5);

    private static RedisKey StampKey(string userId) => $"chat:session:{{{userId}}}:stamp";
    private static RedisKey EndedKey(string userId, string sessionId) => $"chat:session:{{{userId}}}:ended:{sessionId}";
    private static RedisKey LiveKey(string userId, string sessionId) => $"chat:session:{{{userId}}}:live:{sessionId}";

    public async Task<bool> IsCurrentAsync(string userId, string? stamp, string? sessionId, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(stamp) || string.IsNullOrEmpty(sessionId)) return false;
        var db = redis.GetDatabase();
        var values = await db.StringGetAsync([StampKey(userId), EndedKey(userId, sessionId), LiveKey(userId, sessionId)]);
        if (values[1].HasValue) return false;
        if (!values[2].HasValue && !await StillOpenAsync(db, userId, sessionId, expiresAt, cancellationToken)) return false;
        if (values[0].HasValue) return values[0] == stamp;

        var user = await users.FindByIdAsync(userId, cancellationToken);
        if (user is null) return false;
        await db.StringSetAsync(StampKey(userId), user.SessionStamp, StampCacheLifetime);
        return user.SessionStamp == stamp;
    }

    // MongoDB's word on a session Redis knows nothing of, kept in Redis for next time.
    private async Task<bool> StillOpenAsync(IDatabase db, string userId, string sessionId, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var session = await store.FindAsync(userId, sessionId, cancellationToken);
        if (session?.EndedAt is not null)
        {
            await MarkEndedAsync(db, userId, sessionId, expiresAt);
            return false;
        }
        if (session is null)
        {
            // Issued before sessions were stored: its token is genuine (signed), so it is kept from now on.
            await store.CreateAsync(new SessionDocument
            {
                Id = sessionId, UserId = userId, Device = DeviceNames.Describe(null), CreatedAt = now.UtcDateTime,
                LastActiveAt = now.UtcDateTime, ExpiresAt = expiresAt.UtcDateTime,
            }, cancellationToken);
        }
        else
        {
            await store.TouchAsync(sessionId, now.UtcDateTime, cancellationToken);
        }
        await db.StringSetAsync(LiveKey(userId, sessionId), 1, LiveFor);
        return true;
    }

    /// <summary>A session signed in now: stored, and live without a first read.</summary>
    public async Task StartAsync(SessionDocument session, CancellationToken cancellationToken)
    {
        await store.CreateAsync(session, cancellationToken);
        await redis.GetDatabase().StringSetAsync(LiveKey(session.UserId, session.Id), 1, LiveFor);
    }

    /// <summary>Ends one session on every replica: in MongoDB (the truth), then in Redis. False when the user has no such open session.</summary>
    public async Task<bool> EndAsync(string userId, string sessionId, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var ended = await store.EndAsync(userId, sessionId, time.GetUtcNow().UtcDateTime, cancellationToken);
        await MarkEndedAsync(redis.GetDatabase(), userId, sessionId, expiresAt);
        return ended;
    }

    private async Task MarkEndedAsync(IDatabase db, string userId, string sessionId, DateTimeOffset expiresAt)
    {
        var remaining = expiresAt - time.GetUtcNow();
        if (remaining > TimeSpan.Zero) await db.StringSetAsync(EndedKey(userId, sessionId), 1, remaining);
        await db.KeyDeleteAsync(LiveKey(userId, sessionId));
    }

    /// <summary>
    /// Ends every session of the user but <paramref name="keptSessionId"/>: a new stamp in MongoDB,
    /// then in Redis (every token carrying the old one is refused at once), and each session marked
    /// ended. The stamp the kept session must carry from now on is returned.
    /// </summary>
    public async Task<string> EndAllAsync(string userId, string? keptSessionId, CancellationToken cancellationToken)
    {
        var stamp = await users.RenewSessionStampAsync(userId, cancellationToken);
        await redis.GetDatabase().StringSetAsync(StampKey(userId), stamp, StampCacheLifetime);
        await store.EndAllAsync(userId, keptSessionId, time.GetUtcNow().UtcDateTime, cancellationToken);
        return stamp;
    }

    public Task<List<SessionDocument>> ActiveOfAsync(string userId, CancellationToken cancellationToken) =>
        store.ActiveOfAsync(userId, time.GetUtcNow().UtcDateTime, cancellationToken);
}

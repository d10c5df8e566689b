using StackExchange.Redis;

namespace Chat.Api.Identity;

/// <summary>
/// Limits log-in attempts per email (5) and per client address (20) within 15 minutes, counted
/// in Redis so every replica agrees. Each attempt takes a slot before the password is checked
/// (so a burst of concurrent guesses cannot slip past the limit). A successful log-in clears the
/// email's count (its owner got in) and takes its own attempt off the address's count.
/// </summary>
public sealed class LoginThrottle(IConnectionMultiplexer redis)
{
    public const int MaxFailuresPerEmail = 5;
    public const int MaxFailuresPerAddress = 20;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    public sealed record Attempt(RedisKey EmailKey, RedisKey AddressKey, TimeSpan? RetryAfter);

    public async Task<Attempt> BeginAsync(string normalizedEmail, string clientAddress)
    {
        var attempt = new Attempt($"chat:login-attempts:email:{normalizedEmail}", $"chat:login-attempts:addr:{clientAddress}", null);
        var db = redis.GetDatabase();
        var emailCount = await TakeSlotAsync(db, attempt.EmailKey);
        var addressCount = await TakeSlotAsync(db, attempt.AddressKey);

        RedisKey? blockedBy = emailCount > MaxFailuresPerEmail ? attempt.EmailKey
            : addressCount > MaxFailuresPerAddress ? attempt.AddressKey
            : (RedisKey?)null;
        if (blockedBy is null) return attempt;

        var ttl = await db.KeyTimeToLiveAsync(blockedBy.Value) ?? Window;
        return attempt with { RetryAfter = ttl };
    }

    /// <summary>The password was right: this attempt does not count against the email or the address.</summary>
    public async Task SucceededAsync(Attempt attempt)
    {
        var db = redis.GetDatabase();
        await db.KeyDeleteAsync(attempt.EmailKey);
        await db.StringDecrementAsync(attempt.AddressKey);
    }

    private static async Task<long> TakeSlotAsync(IDatabase db, RedisKey key)
    {
        var count = await db.StringIncrementAsync(key);
        // The window starts at the first attempt and is not extended by later ones.
        await db.KeyExpireAsync(key, Window, ExpireWhen.HasNoExpiry);
        return count;
    }
}

using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace Chat.Api.Identity;

/// <summary>
/// Limits failed log-ins within 15 minutes, counted in Redis so every replica agrees: 5 per email
/// from one address, 20 per address whatever the email, 50 per email from everywhere. The owner
/// is not locked out by a stranger's guesses from one place: those lock only the (email, address)
/// pair; only a spread attack from many addresses reaches the per-email limit. Each attempt takes
/// a slot before the password is checked (a burst of concurrent guesses cannot slip past); a
/// successful log-in clears the email's counts (its owner got in) and gives its own slot back to
/// the address. Keys hold a hash of the email, never the address itself, and are bounded in size.
/// </summary>
public sealed class LoginThrottle(IConnectionMultiplexer redis)
{
    public const int MaxFailuresPerEmailAndAddress = 5;
    public const int MaxFailuresPerAddress = 20;
    public const int MaxFailuresPerEmail = 50;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    public sealed record Attempt(RedisKey EmailAndAddressKey, RedisKey AddressKey, RedisKey EmailKey, TimeSpan? RetryAfter);

    public async Task<Attempt> BeginAsync(string normalizedEmail, string clientAddress)
    {
        var email = Hash(normalizedEmail);
        var address = Hash(clientAddress);
        var attempt = new Attempt($"chat:login:email-address:{email}:{address}", $"chat:login:address:{address}", $"chat:login:email:{email}", null);
        var db = redis.GetDatabase();
        var limits = new (RedisKey Key, int Max)[]
        {
            (attempt.EmailAndAddressKey, MaxFailuresPerEmailAndAddress),
            (attempt.AddressKey, MaxFailuresPerAddress),
            (attempt.EmailKey, MaxFailuresPerEmail),
        };
        foreach (var (key, max) in limits)
        {
            if (await TakeSlotAsync(db, key) <= max) continue;
            return attempt with { RetryAfter = await db.KeyTimeToLiveAsync(key) ?? Window };
        }
        return attempt;
    }

    /// <summary>The password was right: the email's counts go, and this attempt does not count against the address.</summary>
    public async Task SucceededAsync(Attempt attempt)
    {
        var db = redis.GetDatabase();
        await db.KeyDeleteAsync([attempt.EmailAndAddressKey]);
        await db.KeyDeleteAsync([attempt.EmailKey]);
        await db.StringDecrementAsync(attempt.AddressKey);
    }

    private static async Task<long> TakeSlotAsync(IDatabase db, RedisKey key)
    {
        var count = await db.StringIncrementAsync(key);
        // The window starts at the first attempt and is not extended by later ones.
        await db.KeyExpireAsync(key, Window, ExpireWhen.HasNoExpiry);
        return count;
    }

    private static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..32];
}

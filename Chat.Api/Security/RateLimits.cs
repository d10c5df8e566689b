using System.Collections.Concurrent;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Chat.Api.Validation;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using RedisRateLimiting;
using StackExchange.Redis;

namespace Chat.Api.Security;

/// <summary>One limit: so many requests per window.</summary>
public sealed class RateLimit
{
    public int PermitLimit { get; set; }
    public TimeSpan Window { get; set; }
}

/// <summary>
/// Request limits (section "RateLimits"), counted in Redis so they hold across replicas. Per
/// client address before sign-in (sign-up), per user after. The defaults are far above what a
/// person does; the load-test tool raises them (README, Settings).
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    // Many people may share one address (an office, a campus behind NAT).
    public RateLimit SignUp { get; set; } = new() { PermitLimit = 100, Window = TimeSpan.FromHours(1) };
    public RateLimit Send { get; set; } = new() { PermitLimit = 120, Window = TimeSpan.FromMinutes(1) };
    public RateLimit Upload { get; set; } = new() { PermitLimit = 60, Window = TimeSpan.FromMinutes(10) };
    public RateLimit Search { get; set; } = new() { PermitLimit = 120, Window = TimeSpan.FromMinutes(1) };
    public RateLimit Typing { get; set; } = new() { PermitLimit = 120, Window = TimeSpan.FromMinutes(1) };
    public RateLimit ReadMarks { get; set; } = new() { PermitLimit = 300, Window = TimeSpan.FromMinutes(1) };
    public RateLimit Reactions { get; set; } = new() { PermitLimit = 120, Window = TimeSpan.FromMinutes(1) };
    public RateLimit GroupCreate { get; set; } = new() { PermitLimit = 20, Window = TimeSpan.FromHours(1) };
    public RateLimit GroupAdd { get; set; } = new() { PermitLimit = 60, Window = TimeSpan.FromMinutes(1) };
    /// <summary>First messages to people who take messages only from their conversations (message requests).</summary>
    public RateLimit Requests { get; set; } = new() { PermitLimit = 20, Window = TimeSpan.FromDays(1) };
    /// <summary>Exports of one's data (each is a background job over the whole history).</summary>
    public RateLimit Exports { get; set; } = new() { PermitLimit = 3, Window = TimeSpan.FromDays(1) };
    /// <summary>Changes to one's own settings: push devices, mutes, privacy.</summary>
    public RateLimit Settings { get; set; } = new() { PermitLimit = 60, Window = TimeSpan.FromMinutes(1) };
    /// <summary>The web client's trace exports, per session (a tab exports a batch every few seconds while it is used).</summary>
    public RateLimit ClientTraces { get; set; } = new() { PermitLimit = 60, Window = TimeSpan.FromMinutes(1) };

    /// <summary>Open hub connections a user may hold at once, across replicas (tabs and devices).</summary>
    public int MaxConnectionsPerUser { get; set; } = 20;

    public RateLimit For(string policy) => policy switch
    {
        RateLimits.SignUp => SignUp,
        RateLimits.Send => Send,
        RateLimits.Upload => Upload,
        RateLimits.Search => Search,
        RateLimits.Typing => Typing,
        RateLimits.ReadMarks => ReadMarks,
        RateLimits.Reactions => Reactions,
        RateLimits.GroupCreate => GroupCreate,
        RateLimits.GroupAdd => GroupAdd,
        RateLimits.Settings => Settings,
        RateLimits.Requests => Requests,
        RateLimits.Exports => Exports,
        RateLimits.ClientTraces => ClientTraces,
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, "No such rate limit."),
    };
}

/// <summary>
/// The named limits, shared by REST endpoints (ASP.NET Core's rate limiter, <c>RequireRateLimiting</c>)
/// and hub methods (<see cref="HubRateLimitFilter"/>): both count in the same Redis key per
/// (limit, user), so reacting over REST and over the hub draws on one budget. Sending takes its
/// permit in <see cref="Messaging.MessageSender"/> itself, for both ways in (<see cref="UserRateLimits"/>).
/// </summary>
public static class RateLimits
{
    public const string SignUp = "sign-up";
    public const string Send = "send";
    public const string Upload = "upload";
    public const string Search = "search";
    public const string Typing = "typing";
    public const string ReadMarks = "read-marks";
    public const string Reactions = "reactions";
    public const string GroupCreate = "group-create";
    public const string GroupAdd = "group-add";
    public const string Settings = "settings";
    public const string Requests = "requests";
    public const string Exports = "exports";
    public const string ClientTraces = "client-traces";

    // REST policies per user (Send is not one: MessageSender takes its permit).
    private static readonly string[] PerUser = [Upload, Search, Typing, ReadMarks, Reactions, GroupCreate, GroupAdd, Settings];

    public static void AddChatRateLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section)
            .Validate(o => new[] { o.SignUp, o.Send, o.Upload, o.Search, o.Typing, o.ReadMarks, o.Reactions, o.GroupCreate, o.GroupAdd, o.Settings, o.Requests, o.Exports, o.ClientTraces }.All(l => l.PermitLimit > 0 && l.Window > TimeSpan.Zero)
                && o.MaxConnectionsPerUser > 0, "Every RateLimits entry needs a positive PermitLimit and Window, and MaxConnectionsPerUser must be positive.")
            .ValidateOnStart();
        builder.Services.AddSingleton<UserRateLimits>();
        builder.Services.AddSingleton<HubRateLimitFilter>();
        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>, IConnectionMultiplexer>((options, limits, redis) =>
        {
            options.AddPolicy(SignUp, context => Partition(redis, limits.Value, SignUp, context.Connection.RemoteIpAddress?.ToString() ?? "unknown"));
            foreach (var policy in PerUser)
            {
                options.AddPolicy(policy, context => Partition(redis, limits.Value, policy, context.User.FindFirstValue(JwtRegisteredClaimNames.Sub) ?? "anonymous"));
            }
            // Per session, not per user: each signed-in browser has its own budget.
            options.AddPolicy(ClientTraces, context => Partition(redis, limits.Value, ClientTraces,
                $"{context.User.FindFirstValue(JwtRegisteredClaimNames.Sub) ?? "anonymous"}:{context.User.FindFirstValue(Identity.SessionTokens.SessionIdClaim)}"));
            options.OnRejected = (context, _) => new ValueTask(Rejected(context.Lease).ToProblem(context.HttpContext).ExecuteAsync(context.HttpContext));
        });
    }

    /// <summary>The limiter of one (limit, partition): a fixed window in Redis, the same keys on every replica.</summary>
    public static RateLimitPartition<string> Partition(IConnectionMultiplexer redis, RateLimitOptions limits, string policy, string partition)
    {
        var limit = limits.For(policy);
        return RedisRateLimitPartition.GetFixedWindowRateLimiter($"chat:{policy}:{partition}", _ => new RedisFixedWindowRateLimiterOptions
        {
            ConnectionMultiplexerFactory = () => redis,
            PermitLimit = limit.PermitLimit,
            Window = limit.Window,
        });
    }

    /// <summary>A 429 (over REST) or a HubException (over the hub) saying when to come back.</summary>
    public static ClientError Rejected(RateLimitLease lease)
    {
        // Redis limiters give whole seconds, the framework's a TimeSpan.
        lease.TryGetMetadata(MetadataName.RetryAfter.Name, out var wait);
        var retryAfter = wait switch { TimeSpan span => span, int seconds => TimeSpan.FromSeconds(seconds), _ => TimeSpan.FromSeconds(1) };
        if (retryAfter < TimeSpan.FromSeconds(1)) retryAfter = TimeSpan.FromSeconds(1);
        return new ClientError(StatusCodes.Status429TooManyRequests, "Too many requests",
            Detail: $"Slow down: try again in {Math.Ceiling(retryAfter.TotalSeconds)} s.", RetryAfter: retryAfter);
    }
}

/// <summary>
/// Per-user limits taken in code (hub methods, the send path) rather than by endpoint policy:
/// one limiter per limit, counting in the same Redis keys as the REST policies.
/// </summary>
public sealed class UserRateLimits(IConnectionMultiplexer redis, IOptions<RateLimitOptions> options)
{
    private readonly ConcurrentDictionary<string, PartitionedRateLimiter<string>> _limiters = new();

    public ValueTask<RateLimitLease> AcquireAsync(string policy, string userId, CancellationToken cancellationToken) =>
        _limiters.GetOrAdd(policy, name => PartitionedRateLimiter.Create<string, string>(user => RateLimits.Partition(redis, options.Value, name, user)))
            .AcquireAsync(userId, cancellationToken: cancellationToken);
}

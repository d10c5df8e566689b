using System.ComponentModel.DataAnnotations;

namespace Chat.Api.Push;

/// <summary>
/// Web Push settings (section "Push", passed through by the AppHost like RateLimits). The VAPID key
/// comes from the AppHost's secret parameter <c>push-vapid-key</c>; without one, push is off (the
/// key endpoint answers 404 and subscriptions are refused).
/// </summary>
public sealed class PushOptions
{
    public const string Section = "Push";

    /// <summary>
    /// The push services of Chrome (FCM), Firefox (Mozilla autopush), Safari (Apple) and Edge (WNS):
    /// the only hosts a subscription's endpoint may name unless <see cref="AllowedHosts"/> adds others.
    /// A leading "*." matches any subdomain (WNS endpoints are per region).
    /// </summary>
    public static readonly string[] DefaultHosts =
    [
        "fcm.googleapis.com", "updates.push.services.mozilla.com", "web.push.apple.com", "*.notify.windows.com",
    ];

    /// <summary>The secret the VAPID key pair is derived from (generated once by the AppHost or azd).</summary>
    public string? VapidKey { get; set; }

    /// <summary>Who runs this server, for the push services (RFC 8292's <c>sub</c>): a mailto: or https: address.</summary>
    [RegularExpression("^(mailto:|https://).+", ErrorMessage = "Push:Subject must be a mailto: or https: address.")]
    public string Subject { get; set; } = "mailto:admin@chat.example";

    /// <summary>More push services (<c>host[:port]</c>); plain http only for a loopback host named here (tests, local development).</summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>Devices a user may have subscribed at once (409 beyond).</summary>
    [Range(1, 100)]
    public int MaxSubscriptionsPerUser { get; set; } = 5;

    /// <summary>How long a push service keeps a push for a device that is off (the TTL header).</summary>
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Pushes waiting on this replica; beyond it new ones are dropped (counted), never the message.</summary>
    [Range(1, 1_000_000)]
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>Requests to push services in flight at once from this replica.</summary>
    [Range(1, 256)]
    public int Concurrency { get; set; } = 8;

    /// <summary>Attempts per push when the push service answers 429 or 5xx or cannot be reached.</summary>
    [Range(1, 10)]
    public int MaxAttempts { get; set; } = 4;
}

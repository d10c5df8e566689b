using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Chat.Api.Push;

/// <summary>The pushes' spans and meters (names start "Chat." so ServiceDefaults exports them).</summary>
public sealed class PushTelemetry
{
    public const string Name = "Chat.Api.Push";
    public static readonly ActivitySource Source = new(Name);

    public PushTelemetry(IMeterFactory meters)
    {
        var meter = meters.Create(Name);
        Sent = meter.CreateCounter<long>("chat.push.sent", description: "Pushes a push service accepted, by kind (message, mention).");
        Failed = meter.CreateCounter<long>("chat.push.failed",
            description: "Pushes given up, by reason (gone: the push service ended the subscription; rejected; unavailable: 429/5xx/unreachable after every attempt; overloaded: this replica's queue was full).");
        Skipped = meter.CreateCounter<long>("chat.push.skipped",
            description: "Devices a message did not push to, by reason (live: the device has a connection; muted).");
        Duration = meter.CreateHistogram<double>("chat.push.duration", unit: "ms",
            description: "From a message's store to its push service's answer (queue and retries included).");
    }

    public Counter<long> Sent { get; }
    public Counter<long> Failed { get; }
    public Counter<long> Skipped { get; }
    public Histogram<double> Duration { get; }

    public void FailedFor(string reason) => Failed.Add(1, new KeyValuePair<string, object?>("chat.push.reason", reason));

    public void SkippedFor(string reason) => Skipped.Add(1, new KeyValuePair<string, object?>("chat.push.reason", reason));
}

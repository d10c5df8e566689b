using System.Diagnostics.Metrics;

namespace Chat.Api.ClientTelemetry;

/// <summary>The relay's meters: what browsers sent, what reached the OTLP endpoint, what was refused.</summary>
public sealed class ClientTelemetryMetrics
{
    public const string Name = "Chat.Api.ClientTelemetry";

    public ClientTelemetryMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(Name);
        Relayed = meter.CreateCounter<long>("chat.client_spans.relayed", unit: "{span}",
            description: "Browser spans forwarded to the OTLP endpoint.");
        Dropped = meter.CreateCounter<long>("chat.client_spans.dropped", unit: "{span}",
            description: "Browser spans accepted but not forwarded (the OTLP endpoint did not take them).");
        Refused = meter.CreateCounter<long>("chat.client_exports.refused", unit: "{export}",
            description: "Browser exports refused (not OTLP, another service's spans, too many spans), by reason.");
    }

    public Counter<long> Relayed { get; }

    public Counter<long> Dropped { get; }

    public Counter<long> Refused { get; }
}

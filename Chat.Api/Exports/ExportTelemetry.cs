using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Chat.Api.Exports;

/// <summary>The exports' spans and meters (names start "Chat." so ServiceDefaults exports them).</summary>
public sealed class ExportTelemetry
{
    public const string Name = "Chat.Api.Exports";
    public static readonly ActivitySource Source = new(Name);

    public ExportTelemetry(IMeterFactory meters)
    {
        var meter = meters.Create(Name);
        Finished = meter.CreateCounter<long>("chat.exports.finished", description: "Exports prepared, by outcome (ready, failed, retried).");
        Duration = meter.CreateHistogram<double>("chat.exports.duration", unit: "s", description: "Time one replica took to prepare one export.");
        Bytes = meter.CreateHistogram<long>("chat.exports.bytes", unit: "By", description: "Size of a prepared export's zip.");
    }

    public Counter<long> Finished { get; }
    public Histogram<double> Duration { get; }
    public Histogram<long> Bytes { get; }

    public void Ended(string outcome) => Finished.Add(1, new KeyValuePair<string, object?>("chat.export.outcome", outcome));
}

using System.ComponentModel.DataAnnotations;

namespace Chat.Api.ClientTelemetry;

/// <summary>How the web client traces what its user does (section "ClientTelemetry").</summary>
public sealed class ClientTelemetryOptions
{
    public const string Section = "ClientTelemetry";

    /// <summary>
    /// The share of sends, page loads and fetches a browser traces. Everything by default, as the
    /// server samples every trace it starts while its budget (Telemetry:TracesPerSecond) lasts; a
    /// large deployment lowers it. A browser's choice then holds all the way through the cluster.
    /// </summary>
    [Range(0.0, 1.0)]
    public double SampleRatio { get; set; } = 1.0;

    /// <summary>Spans one export may hold (the browser's batches hold at most 100).</summary>
    [Range(1, 10_000)]
    public int MaxSpansPerExport { get; set; } = 512;
}

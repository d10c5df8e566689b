using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Chat.Api.Media;

/// <summary>The media spans and meters (names start "Chat." so ServiceDefaults exports them).</summary>
public sealed class MediaTelemetry
{
    public const string Name = "Chat.Api.Media";
    public static readonly ActivitySource Source = new(Name);

    public MediaTelemetry(IMeterFactory meters)
    {
        var meter = meters.Create(Name);
        UploadSize = meter.CreateHistogram<long>("chat.media.upload_size", unit: "By", description: "Size of accepted uploads.");
        ProcessingTime = meter.CreateHistogram<double>("chat.media.processing_time", unit: "ms",
            description: "Checking, decoding and re-encoding an upload (storage excluded).");
    }

    public Histogram<long> UploadSize { get; }
    public Histogram<double> ProcessingTime { get; }
}

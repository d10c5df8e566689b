using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Chat.Api.Messaging;

/// <summary>The messaging spans and meters (names start "Chat." so ServiceDefaults exports them).</summary>
public sealed class MessagingTelemetry
{
    public const string Name = "Chat.Api.Messaging";
    public static readonly ActivitySource Source = new(Name);

    public MessagingTelemetry(IMeterFactory meters)
    {
        var meter = meters.Create(Name);
        Sent = meter.CreateCounter<long>("chat.messages.sent", description: "Messages stored and pushed.");
        LivePushesMissed = meter.CreateCounter<long>("chat.messages.live_pushes_missed",
            description: "Messages stored whose live push failed (the backplane did not answer): recipients get them by catch-up.");
        Duplicates = meter.CreateCounter<long>("chat.messages.duplicates",
            description: "Sends answered with an earlier message because the clientMessageId repeated.");
        PushDuration = meter.CreateHistogram<double>("chat.message.push_duration", unit: "ms",
            description: "Server time from receiving a send to handing the message to SignalR (persist included).");
        CatchUps = meter.CreateCounter<long>("chat.messages.catch_up_requests", description: "History requests with after= (a client catching up).");
        DeliveryLatency = meter.CreateHistogram<double>("chat.message.delivery_latency", unit: "ms",
            description: "From the message's creation on the server to the recipient's receipt (ConfirmDelivery), by whether one replica did both.");
        WriteBatchSize = meter.CreateHistogram<int>("chat.messages.write_batch_size", unit: "{message}",
            description: "Messages stored by one database write (group commit): 1 when sends come one at a time, more under load.");
        SeqConflicts = meter.CreateCounter<long>("chat.messages.seq_conflicts",
            description: "Inserts refused because another replica took the seq first (then retried at the next one).");
    }

    public Counter<long> Sent { get; }
    public Counter<long> LivePushesMissed { get; }
    public Counter<long> Duplicates { get; }
    public Histogram<double> PushDuration { get; }
    public Counter<long> CatchUps { get; }
    public Histogram<double> DeliveryLatency { get; }
    public Histogram<int> WriteBatchSize { get; }
    public Counter<long> SeqConflicts { get; }
}

using Microsoft.Extensions.Caching.Memory;

namespace Chat.Api.Messaging;

/// <summary>
/// Clients confirm the messages pushed to them (ConfirmDelivery); each receipt records the
/// delivery latency (server creation → receipt), tagged by whether this replica also stored the
/// message. A measurement only: receipts of implausible age (clock trouble, replays) are ignored.
/// </summary>
public sealed class DeliveryReceipts(MessagingTelemetry telemetry, TimeProvider time, IMemoryCache storedHere)
{
    // How long this replica remembers the messages it stored, to tag receipts as same/cross replica.
    private static readonly TimeSpan StoredHereWindow = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    public void StoredHere(string messageId) => storedHere.Set(StoredKey(messageId), true, StoredHereWindow);

    public void Confirm(string messageId, DateTime createdAt)
    {
        var latency = time.GetUtcNow().UtcDateTime - createdAt.ToUniversalTime();
        if (latency < TimeSpan.Zero || latency > MaxAge) return;
        telemetry.DeliveryLatency.Record(latency.TotalMilliseconds,
            new KeyValuePair<string, object?>("chat.replica.same", storedHere.TryGetValue(StoredKey(messageId), out _)));
    }

    private static string StoredKey(string messageId) => $"stored:{messageId}";
}

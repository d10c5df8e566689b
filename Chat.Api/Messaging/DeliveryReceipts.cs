using Microsoft.Extensions.Caching.Memory;
using MongoDB.Bson;

namespace Chat.Api.Messaging;

/// <summary>
/// Clients confirm the messages pushed to them (ConfirmDelivery); each receipt records the
/// delivery latency (server creation → receipt), tagged by whether this replica also stored the
/// message. A measurement only, and cheap: a receipt counts once per connection, its id must be a
/// message id created when it says, and receipts of implausible age (clock trouble, replays) are
/// ignored. Whether the caller really was the recipient is not looked up (a database read per
/// delivered message): a forged receipt can only skew this histogram.
/// </summary>
public sealed class DeliveryReceipts(MessagingTelemetry telemetry, TimeProvider time, IMemoryCache storedHere)
{
    // How long this replica remembers the messages it stored, to tag receipts as same/cross replica.
    private static readonly TimeSpan StoredHereWindow = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    public void StoredHere(string messageId) => storedHere.Set(StoredKey(messageId), true, StoredHereWindow);

    private const int MaxRemembered = 10_000;

    /// <param name="seen">The ids this connection already confirmed.</param>
    public void Confirm(string? messageId, DateTime createdAt, ISet<string> seen)
    {
        if (!ObjectId.TryParse(messageId, out var id) || id.ToString() != messageId) return;
        // The id is made when the message is created; its time (whole seconds) must agree.
        var sinceId = createdAt.ToUniversalTime() - id.CreationTime;
        if (sinceId < TimeSpan.FromSeconds(-1) || sinceId > TimeSpan.FromSeconds(2)) return;
        var latency = time.GetUtcNow().UtcDateTime - createdAt.ToUniversalTime();
        if (latency < TimeSpan.Zero || latency > MaxAge) return;
        if (seen.Count >= MaxRemembered) seen.Clear();
        if (!seen.Add(messageId)) return;
        telemetry.DeliveryLatency.Record(latency.TotalMilliseconds,
            new KeyValuePair<string, object?>("chat.replica.same", storedHere.TryGetValue(StoredKey(messageId), out _)));
    }

    private static string StoredKey(string messageId) => $"stored:{messageId}";
}

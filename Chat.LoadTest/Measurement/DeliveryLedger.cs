using System.Collections.Concurrent;
using System.Diagnostics;

namespace Chat.LoadTest.Measurement;

/// <summary>
/// The bookkeeping of a messages run: every send, every delivery, and from them the latencies
/// and the faults (lost, duplicated, out of seq order). Thread-safe: sends and pushes arrive
/// on many threads.
/// </summary>
public sealed class DeliveryLedger
{
    private readonly ConcurrentDictionary<string, (long SentAt, bool Measured)> _sends = new(); // by clientMessageId
    private readonly ConcurrentDictionary<string, byte> _inFlight = new(); // sent, not yet delivered
    private readonly ConcurrentDictionary<string, byte> _deliveredIds = new();
    private readonly ConcurrentDictionary<string, long> _lastSeq = new(); // by conversation
    private readonly ConcurrentBag<TimeSpan> _acks = [];
    private readonly ConcurrentBag<(TimeSpan Latency, bool CrossReplica)> _deliveries = [];
    private readonly ConcurrentDictionary<string, string> _storedBy = new();
    private long _sent, _errors, _duplicates, _outOfOrder, _delivered;

    public long SentCount => Interlocked.Read(ref _sent);
    public long Errors => Interlocked.Read(ref _errors);
    public long Duplicates => Interlocked.Read(ref _duplicates);
    public long OutOfOrder => Interlocked.Read(ref _outOfOrder);
    public long DeliveredCount => Interlocked.Read(ref _delivered);

    /// <summary>Acknowledged sends never delivered (call once the stragglers have had time).</summary>
    public long Lost => _inFlight.Count;

    public IReadOnlyCollection<TimeSpan> Acks => _acks;

    /// <summary>The highest seq delivered in each conversation.</summary>
    public IReadOnlyDictionary<string, long> HighestDeliveredSeqs => _lastSeq;
    public IEnumerable<TimeSpan> Deliveries(bool? crossReplica = null) =>
        _deliveries.Where(d => crossReplica is null || d.CrossReplica == crossReplica).Select(d => d.Latency);

    public void Sent(string clientMessageId, long sentAt, bool measured)
    {
        _sends[clientMessageId] = (sentAt, measured);
        _inFlight[clientMessageId] = 0;
        Interlocked.Increment(ref _sent);
    }

    /// <summary>The server stored the message (on <paramref name="replica"/>); <paramref name="ackAt"/> is when the answer came.</summary>
    public void Acked(string clientMessageId, string? replica, long ackAt)
    {
        if (replica is not null) _storedBy[clientMessageId] = replica;
        // The push may have arrived first: the ack is measured all the same.
        if (_sends.TryGetValue(clientMessageId, out var sent) && sent.Measured) _acks.Add(Stopwatch.GetElapsedTime(sent.SentAt, ackAt));
    }

    /// <summary>The send failed: it is an error, not a loss.</summary>
    public void Failed(string clientMessageId)
    {
        _inFlight.TryRemove(clientMessageId, out _);
        Interlocked.Increment(ref _errors);
    }

    /// <summary>A push reached the recipient's connection on <paramref name="recipientReplica"/>.</summary>
    public void Delivered(string conversationId, string messageId, string clientMessageId, long seq, string recipientReplica, long receivedAt)
    {
        if (!_deliveredIds.TryAdd(messageId, 0))
        {
            Interlocked.Increment(ref _duplicates);
            return;
        }
        // Pushes of one conversation must arrive in seq order (one sender per conversation here).
        var previous = _lastSeq.GetValueOrDefault(conversationId);
        _lastSeq[conversationId] = Math.Max(previous, seq);
        if (seq <= previous) Interlocked.Increment(ref _outOfOrder);

        if (!_inFlight.TryRemove(clientMessageId, out _) || !_sends.TryGetValue(clientMessageId, out var sent)) return; // not one of ours
        Interlocked.Increment(ref _delivered);
        if (!sent.Measured) return;
        // A push can beat the ack; the storing replica is then unknown and the sample counts as cross.
        var cross = !_storedBy.TryGetValue(clientMessageId, out var storedBy) || storedBy != recipientReplica;
        _deliveries.Add((Stopwatch.GetElapsedTime(sent.SentAt, receivedAt), cross));
    }
}

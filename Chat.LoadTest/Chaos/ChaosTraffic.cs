using System.Diagnostics;
using System.Net.Http.Json;
using Chat.LoadTest.Clients;

namespace Chat.LoadTest.Chaos;

/// <summary>
/// Pairs of users talking both ways, and a group whose members all talk, at a steady rate while
/// something fails, and afterwards the verdict on the promise: every acknowledged message
/// stored once, in order, without a gap in seq, and held once by every recipient (the peer, or
/// every other member of the group), pushed live or recovered by catch-up.
/// </summary>
public sealed class ChaosTraffic : IAsyncDisposable
{
    private readonly List<(ChaosPeer A, ChaosPeer B)> _pairs = [];
    private readonly List<ChaosPeer> _group = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _senders = [];

    public ChaosCounters Counters { get; } = new();

    public IEnumerable<ChaosPeer> Peers => _pairs.SelectMany(p => new[] { p.A, p.B }).Concat(_group);

    /// <summary>
    /// Signs up <paramref name="pairs"/> pairs and a group of <paramref name="groupMembers"/>
    /// (none for 0) through the web front and connects each user.
    /// </summary>
    public static async Task<ChaosTraffic> ConnectAsync(Uri url, int pairs, string run, int groupMembers = 3)
    {
        var traffic = new ChaosTraffic();
        for (var i = 0; i < pairs; i++)
        {
            var a = await ChatSession.SignUpAsync(url, $"chaos-{run}-{i}-a");
            var b = await ChatSession.SignUpAsync(url, $"chaos-{run}-{i}-b");
            traffic._pairs.Add((await ChaosPeer.ConnectAsync(url, a, ChaosConversation.Pair(b.UserId), traffic.Counters),
                await ChaosPeer.ConnectAsync(url, b, ChaosConversation.Pair(a.UserId), traffic.Counters)));
        }
        if (groupMembers > 0)
        {
            var members = new List<ChatSession>();
            for (var i = 0; i < groupMembers; i++) members.Add(await ChatSession.SignUpAsync(url, $"chaos-{run}-g{i}"));
            using var owner = members[0].Http(url);
            using var created = await owner.PostAsJsonAsync("/api/groups", new { name = $"chaos {run}", memberIds = members.Skip(1).Select(m => m.UserId).ToArray() });
            created.EnsureSuccessStatusCode();
            var groupId = (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetString()!;
            foreach (var member in members) traffic._group.Add(await ChaosPeer.ConnectAsync(url, member, ChaosConversation.Group(groupId), traffic.Counters));
        }
        return traffic;
    }

    /// <summary>Every user sends one message after another (each waits for its acknowledgement) at <paramref name="ratePerPeer"/> a second.</summary>
    public void Start(double ratePerPeer)
    {
        var interval = TimeSpan.FromSeconds(1 / ratePerPeer);
        foreach (var peer in Peers)
        {
            _senders.Add(Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    var started = Stopwatch.GetTimestamp();
                    await peer.SendAsync(_stop.Token);
                    var wait = interval - Stopwatch.GetElapsedTime(started);
                    if (wait > TimeSpan.Zero) await Task.Delay(wait).ConfigureAwait(false);
                }
            }));
        }
    }

    /// <summary>Stops sending (a send still being retried is given up: it was never acknowledged).</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_senders);
    }

    /// <summary>Waits until every connection is live again (or <paramref name="timeout"/>); the time since <paramref name="since"/> it took.</summary>
    public async Task<TimeSpan> WaitUntilAllLiveAsync(long since, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (!Peers.All(p => p.Live))
        {
            if (Stopwatch.GetTimestamp() > deadline) throw new TimeoutException($"Not every client was live again within {timeout}.");
            await Task.Delay(50);
        }
        var lastBack = Peers.Select(p => p.ReconnectedAt).Where(t => t > since).DefaultIfEmpty(since).Max();
        return Stopwatch.GetElapsedTime(since, lastBack);
    }

    /// <summary>After the run: every client catches up once more (as after a reconnect), then the verdict.</summary>
    public async Task<ChaosVerdict> SettleAsync(TimeSpan timeToLive)
    {
        await Task.Delay(TimeSpan.FromSeconds(1)); // the last pushes in flight
        foreach (var peer in Peers) await peer.CatchUpAsync();

        var tally = new Tally();
        foreach (var (a, b) in _pairs) await tally.AddAsync([a, b]);
        if (_group.Count > 0) await tally.AddAsync(_group);
        return new ChaosVerdict(tally.Acknowledged, tally.Live, tally.CaughtUp, tally.Lost, tally.Duplicated, tally.OutOfOrder + tally.Gaps, timeToLive, Counters);
    }

    // One conversation's verdict: stored once and gap-free from seq 1, and each participant's
    // acknowledged messages held once by every other participant (live or by catch-up).
    private sealed class Tally
    {
        public long Acknowledged, Live, CaughtUp, Lost, Duplicated, OutOfOrder, Gaps;

        public async Task AddAsync(IReadOnlyList<ChaosPeer> participants)
        {
            var stored = await participants[0].StoredHistoryAsync();
            var seqs = stored.Select(m => m.GetProperty("seq").GetInt64()).ToList();
            Gaps += seqs.Where((seq, i) => seq != i + 1).Count();
            var storedByClientId = stored.GroupBy(m => (m.GetProperty("senderId").GetString(), m.GetProperty("clientMessageId").GetString()))
                .ToDictionary(g => g.Key, g => g.Count());
            Duplicated += storedByClientId.Values.Count(count => count > 1);

            foreach (var sender in participants)
            {
                var sent = sender.Sent.ToList();
                Acknowledged += sent.Count;
                // One sender's messages were sent one after another: their seqs must rise in that order.
                OutOfOrder += sent.Zip(sent.Skip(1)).Count(p => p.Second.Seq <= p.First.Seq);
                foreach (var recipient in participants.Where(p => p != sender))
                {
                    foreach (var message in sent)
                    {
                        if (!storedByClientId.ContainsKey((sender.Session.UserId, message.ClientMessageId))
                            || !recipient.Received.TryGetValue(message.MessageId, out var held))
                        {
                            Lost++;
                            continue;
                        }
                        if (held.Live) Live++;
                        else CaughtUp++;
                    }
                    // The recipient must not hold two messages for one send.
                    Duplicated += recipient.Received.Values.Where(m => m.SenderId == sender.Session.UserId)
                        .GroupBy(m => m.ClientMessageId).Count(g => g.Count() > 1);
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await StopAsync();
        foreach (var peer in Peers) await peer.DisposeAsync();
    }
}

/// <summary>
/// The outcome of one fault: messages acknowledged, delivered live, recovered by catch-up, lost
/// (must be 0), duplicated (must be 0), out of order or with a gap in seq (must be 0), and how
/// long until every client was live again.
/// </summary>
public sealed record ChaosVerdict(
    long Acknowledged, long DeliveredLive, long RecoveredByCatchUp, long Lost, long Duplicated, long OutOfOrder,
    TimeSpan TimeUntilAllLive, ChaosCounters Counters)
{
    public bool Kept => Lost == 0 && Duplicated == 0 && OutOfOrder == 0 && Counters.ServerErrors == 0;

    public override string ToString() =>
        $"acknowledged {Acknowledged}, delivered live {DeliveredLive}, recovered by catch-up {RecoveredByCatchUp}, " +
        $"lost {Lost}, duplicated {Duplicated}, out of order {OutOfOrder}; all clients live again after {TimeUntilAllLive.TotalSeconds:F1} s; " +
        $"answers {string.Join(" ", Counters.Statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"))}; " +
        $"hub refusals {Counters.HubRefusals.Values.Sum()}, slowest refusal {Counters.SlowestRefusal.TotalSeconds:F1} s, broken calls {Counters.NetworkFailures}, duplicate pushes {Counters.DuplicatePushes}, " +
        $"unacknowledged at stop {Counters.GaveUp}" +
        string.Concat(Counters.ServerErrorBodies.Select(body => $"; a 500 said: {body}"));
}

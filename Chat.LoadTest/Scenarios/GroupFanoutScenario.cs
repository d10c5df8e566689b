using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Chat.LoadTest.Clients;
using Chat.LoadTest.Measurement;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.LoadTest.Scenarios;

/// <summary>
/// Group fan-out: groups of N members, every member on a live hub connection through the web
/// front, senders spread over the members (each sends over REST in turn, one send at a time), at
/// a target total rate of group messages. Checks that every member received every acknowledged
/// message exactly once, each sender's messages in their order, and that the group's history
/// has no gap; reports deliveries per second (pushes received by members), delivery latency
/// from the send to each member's MessageReceived, the API replicas' CPU per delivered push and
/// the Redis commands per group message (INFO commandstats of the cluster's Redis).
/// </summary>
public static class GroupFanoutScenario
{
    /// <param name="MongoConnectionString">When given, acknowledged messages are deleted during the run (the stand-in slows
    /// with a collection's size; see VerifiedMessagePruner), and the history check, which needs them, is skipped.</param>
    public sealed record Options(Uri Url, int Members, int Groups, double Rate, TimeSpan Duration, TimeSpan Warmup,
        string? Redis = null, bool MeasureCpu = true, string? MongoConnectionString = null);

    public sealed record Report(
        double Rate, long Sent, long Deliveries, double DeliveriesPerSecond, long Errors, long Lost, long Duplicates, long OutOfOrder, long? HistoryGaps,
        LatencyStats Ack, LatencyStats Delivery, double? CpuMsPerDelivery, double? CpuMsPerMessage,
        double? RedisCommandsPerMessage, IReadOnlyList<(string Command, long Calls)> RedisCommands)
    {
        public bool Clean => Errors + Lost + Duplicates + OutOfOrder + (HistoryGaps ?? 0) == 0;
    }

    internal sealed record Pushed(string Id, string ConversationId, long Seq, string ClientMessageId, string SenderId);

    internal sealed record Member(string Id, HttpClient Http, HubConnection Hub, ConcurrentDictionary<string, int> Received,
        ConcurrentDictionary<string, long> LastSeqBySender);

    internal sealed record Group(string Id, IReadOnlyList<Member> Members);

    /// <summary>Signed-up members on live connections, in their groups; reused by every rate of a run.</summary>
    public sealed class Crowd : IAsyncDisposable
    {
        internal List<Group> Groups { get; } = [];

        // clientMessageId → (sent at, measured); the run in progress.
        internal ConcurrentDictionary<string, (long SentAt, bool Measured)> Sends { get; set; } = new();
        internal ConcurrentBag<TimeSpan> Deliveries { get; set; } = [];
        internal long DeliveryCount;
        internal long OutOfOrder;

        public static async Task<Crowd> ConnectAsync(Uri url, int members, int groups, Action<string>? progress = null)
        {
            var crowd = new Crowd();
            var run = Guid.NewGuid().ToString("N")[..8];
            using var signUps = new SemaphoreSlim(8);
            for (var g = 0; g < groups; g++)
            {
                var sessions = await Task.WhenAll(Enumerable.Range(0, members).Select(async i =>
                {
                    await signUps.WaitAsync();
                    try
                    {
                        return await ChatSession.SignUpAsync(url, $"fanout-{run}-g{g}-m{i}");
                    }
                    finally
                    {
                        signUps.Release();
                    }
                }));
                var owner = sessions[0].Http(url);
                using var created = await owner.PostAsJsonAsync("/api/groups",
                    new { name = $"fan-out {run} {g}", memberIds = sessions.Skip(1).Select(s => s.UserId).ToArray() });
                created.EnsureSuccessStatusCode();
                var groupId = (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetString()!;
                owner.Dispose();

                var connected = await Task.WhenAll(sessions.Select(async session =>
                {
                    await signUps.WaitAsync();
                    try
                    {
                        var member = new Member(session.UserId, session.Http(url), session.Hub(url), new(), new());
                        member.Hub.On<Pushed>("MessageReceived", message => crowd.Received(member, message));
                        await member.Hub.StartAsync();
                        return member;
                    }
                    finally
                    {
                        signUps.Release();
                    }
                }));
                crowd.Groups.Add(new Group(groupId, connected));
                progress?.Invoke($"group {g + 1}/{groups}: {members} members connected");
            }
            return crowd;
        }

        private void Received(Member member, Pushed message)
        {
            var now = Stopwatch.GetTimestamp();
            if (!Sends.TryGetValue(message.ClientMessageId, out var sent)) return; // an event, or an earlier run's message
            member.Received.AddOrUpdate(message.Id, 1, (_, n) => n + 1);
            Interlocked.Increment(ref DeliveryCount);
            // One sender sends one message at a time, so their messages must arrive in their order.
            var last = member.LastSeqBySender.GetOrAdd(message.SenderId, 0);
            if (message.Seq < last) Interlocked.Increment(ref OutOfOrder);
            else member.LastSeqBySender[message.SenderId] = message.Seq;
            if (sent.Measured) Deliveries.Add(Stopwatch.GetElapsedTime(sent.SentAt, now));
        }

        // Per group, the highest seq acknowledged: what may be pruned below (the checks use the
        // pushes, which carry the messages; the highest stays, the server stores the next after it).
        internal ConcurrentDictionary<string, long> HighestAcked { get; } = new();

        public async ValueTask DisposeAsync()
        {
            foreach (var member in Groups.SelectMany(g => g.Members))
            {
                await member.Hub.DisposeAsync();
                member.Http.Dispose();
            }
        }
    }

    public static async Task<Report> RunAsync(Crowd crowd, Options options, Action<string>? progress = null)
    {
        crowd.Sends = new();
        crowd.Deliveries = [];
        Interlocked.Exchange(ref crowd.DeliveryCount, 0);
        Interlocked.Exchange(ref crowd.OutOfOrder, 0);
        foreach (var member in crowd.Groups.SelectMany(g => g.Members)) member.Received.Clear();
        var acked = new ConcurrentDictionary<string, (string GroupId, string MessageId, long Seq)>();
        var acks = new ConcurrentBag<TimeSpan>();
        long errors = 0, measuredSends = 0, deliveriesAtStart = 0;

        await using var pruner = options.MongoConnectionString is null ? null : new Storage.VerifiedMessagePruner(options.MongoConnectionString, () => crowd.HighestAcked);
        var senders = crowd.Groups.SelectMany(g => g.Members.Select(m => (Group: g, Member: m))).ToList();
        var total = options.Warmup + options.Duration;
        var started = Stopwatch.GetTimestamp();
        var measuring = new Lazy<(TimeSpan Cpu, Dictionary<string, long>? Redis, long Deliveries)>(() =>
        {
            deliveriesAtStart = Interlocked.Read(ref crowd.DeliveryCount);
            return (options.MeasureCpu ? ApiProcesses.Cpu() : TimeSpan.Zero,
                options.Redis is null ? null : RedisCommandStats.ReadAsync(options.Redis).GetAwaiter().GetResult(), deliveriesAtStart);
        });
        using var progressTimer = new Timer(_ => progress?.Invoke(
            $"{Stopwatch.GetElapsedTime(started).TotalSeconds,5:F0} s  sent {crowd.Sends.Count,6}  delivered {Interlocked.Read(ref crowd.DeliveryCount),8}  errors {Interlocked.Read(ref errors)}"),
            null, 1000, 1000);

        await PacedSenders.RunAsync(senders, options.Rate, options.Warmup, total, started, async (sender, slot, measured) =>
        {
            if (measured)
            {
                _ = measuring.Value;
                Interlocked.Increment(ref measuredSends);
            }
            var clientMessageId = Guid.NewGuid().ToString();
            var sentAt = Stopwatch.GetTimestamp();
            crowd.Sends[clientMessageId] = (sentAt, measured);
            try
            {
                using var response = await sender.Member.Http.PostAsJsonAsync($"/api/groups/{sender.Group.Id}/messages",
                    new { clientMessageId, text = $"fan-out {slot.TotalMilliseconds:F0}" });
                if (response.StatusCode != HttpStatusCode.Created)
                {
                    Interlocked.Increment(ref errors);
                }
                else
                {
                    var message = await response.Content.ReadFromJsonAsync<Pushed>();
                    acked[clientMessageId] = (sender.Group.Id, message!.Id, message.Seq);
                    crowd.HighestAcked.AddOrUpdate(sender.Group.Id, message.Seq, (_, known) => Math.Max(known, message.Seq));
                    if (measured) acks.Add(Stopwatch.GetElapsedTime(sentAt));
                }
            }
            catch (HttpRequestException)
            {
                Interlocked.Increment(ref errors);
            }
        });
        var elapsed = Stopwatch.GetElapsedTime(started) - options.Warmup;
        var cpuUsed = options.MeasureCpu ? ApiProcesses.Cpu() - measuring.Value.Cpu : TimeSpan.Zero;
        var redisAfter = options.Redis is null ? null : await RedisCommandStats.ReadAsync(options.Redis);
        var measuredDeliveries = Interlocked.Read(ref crowd.DeliveryCount) - measuring.Value.Deliveries;
        await Task.Delay(TimeSpan.FromSeconds(2)); // stragglers

        // Every member, every acknowledged message of their group: exactly once.
        long lost = 0, duplicates = 0;
        foreach (var group in crowd.Groups)
        {
            var ids = acked.Values.Where(a => a.GroupId == group.Id).Select(a => a.MessageId).ToList();
            foreach (var member in group.Members)
            {
                foreach (var id in ids)
                {
                    var count = member.Received.GetValueOrDefault(id);
                    if (count == 0) lost++;
                    else if (count > 1) duplicates += count - 1;
                }
            }
        }
        long? gaps = pruner is null ? await HistoryGapsAsync(crowd, acked.Values.ToList()) : null;

        double? cpuPerDelivery = null, cpuPerMessage = null;
        if (options.MeasureCpu)
        {
            var busy = (await ApiProcesses.AboveIdleAsync(cpuUsed, elapsed)).TotalMilliseconds;
            cpuPerDelivery = busy / Math.Max(measuredDeliveries, 1);
            cpuPerMessage = busy / Math.Max(measuredSends, 1);
        }
        var redisCommands = redisAfter is null ? [] : RedisCommandStats.Between(measuring.Value.Redis!, redisAfter);

        return new Report(options.Rate, measuredSends, measuredDeliveries, measuredDeliveries / elapsed.TotalSeconds,
            errors, lost, duplicates, Interlocked.Read(ref crowd.OutOfOrder), gaps,
            new LatencyStats(acks), new LatencyStats(crowd.Deliveries), cpuPerDelivery, cpuPerMessage,
            redisAfter is null ? null : (double)redisCommands.Sum(c => c.Calls) / Math.Max(measuredSends, 1), redisCommands);
    }

    // Each group's history, read back by its owner from the first message of the run: every seq
    // once, none missing, every acknowledged message at its seq.
    private static async Task<long> HistoryGapsAsync(Crowd crowd, List<(string GroupId, string MessageId, long Seq)> acked)
    {
        long gaps = 0;
        foreach (var group in crowd.Groups)
        {
            var mine = acked.Where(a => a.GroupId == group.Id).ToDictionary(a => a.Seq, a => a.MessageId);
            if (mine.Count == 0) continue;
            var after = mine.Keys.Min() - 1;
            var seen = new List<Pushed>();
            while (true)
            {
                var page = await group.Members[0].Http.GetFromJsonAsync<HistoryPage>($"/api/groups/{group.Id}/messages?after={after}&limit=200");
                seen.AddRange(page!.Items);
                if (!page.HasMore || page.Items.Count == 0) break;
                after = page.Items[^1].Seq;
            }
            var seqs = seen.Select(m => m.Seq).ToList();
            gaps += seqs.Zip(seqs.Skip(1)).Count(p => p.Second != p.First + 1);
            gaps += mine.Count(a => !seen.Any(m => m.Seq == a.Key && m.Id == a.Value));
        }
        return gaps;
    }

    private sealed record HistoryPage(List<Pushed> Items, bool HasMore);

    public static void Print(Options options, Report report)
    {
        Console.WriteLine($"{report.Rate,6:F0} msg/s × {options.Members} members: sent {report.Sent}, {report.DeliveriesPerSecond,8:F0} deliveries/s; " +
            $"ack p99 {report.Ack.Percentile(99),6:F1} ms; delivery p50 {report.Delivery.Median,6:F1} p99 {report.Delivery.Percentile(99),7:F1} ms; " +
            (report.CpuMsPerDelivery is { } cpu ? $"API CPU {cpu * 1000,5:F0} µs/push ({report.CpuMsPerMessage:F2} ms/msg); " : "") +
            (report.RedisCommandsPerMessage is { } redis ? $"Redis {redis:F1} commands/msg; " : "") +
            $"errors {report.Errors}, lost {report.Lost}, duplicates {report.Duplicates}, out of order {report.OutOfOrder}, " +
            $"history gaps {report.HistoryGaps?.ToString() ?? "not checked (pruned)"}");
        if (report.RedisCommands.Count > 0)
        {
            Console.WriteLine("        Redis commands per group message: " + string.Join(", ",
                report.RedisCommands.Take(6).Select(c => $"{c.Command} {(double)c.Calls / Math.Max(report.Sent, 1):F2}")));
        }
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Chat.LoadTest.Clients;
using Chat.LoadTest.Measurement;
using Chat.LoadTest.Storage;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.LoadTest.Scenarios;

/// <summary>
/// Pairs of users exchange messages at a target total rate: each pair's sender posts over REST,
/// the recipient listens on the hub (connections through the web front, spread over replicas)
/// and confirms each delivery (ConfirmDelivery, which feeds the dashboard's delivery-latency
/// histogram). Measures ack latency (send → stored message returned), delivery latency (send →
/// the recipient's MessageReceived, split same/cross replica), the server's own time
/// (Server-Timing) and optionally the API replicas' CPU per message, and checks every message
/// arrived exactly once, in seq order.
/// </summary>
public static class MessagesScenario
{
    /// <param name="MongoConnectionString">When given, verified messages are deleted during the run and all of them at its end (see VerifiedMessagePruner).</param>
    /// <param name="Traced">
    /// Every send carries a sampled traceparent, as it does from a browser tracing every send
    /// (ClientTelemetry:SampleRatio=1): the cluster then records and exports every send's spans,
    /// past its own per-second budget. Its cost is the difference to a run without.
    /// </param>
    public sealed record Options(Uri Url, int Pairs, double Rate, TimeSpan Duration, TimeSpan Warmup, bool MeasureCpu = true,
        string? MongoConnectionString = null, bool Traced = false);

    public sealed record Report(
        long Sent, double Throughput, long Errors, long Lost, long Duplicates, long OutOfOrder,
        LatencyStats Ack, LatencyStats ServerTime, LatencyStats Delivery, LatencyStats SameReplica, LatencyStats CrossReplica,
        double? CpuMsPerMessageAboveIdle, long? PrunedMessages)
    {
        public bool Clean => Errors + Lost + Duplicates + OutOfOrder == 0;
    }

    private sealed record Message(string Id, string ConversationId, long Seq, string ClientMessageId, DateTime CreatedAt);

    internal sealed record Pair(HttpClient Sender, string RecipientId, HubConnection Recipient, string RecipientReplica);

    /// <summary>Signed-up, connected pairs, reusable across runs (the max-rate search runs many).</summary>
    public sealed class Crowd : IAsyncDisposable
    {
        private readonly List<Pair> _pairs = [];

        public string Run { get; } = Guid.NewGuid().ToString("N")[..8];

        /// <summary>The ledger of the run in progress; pushes are recorded in it.</summary>
        public DeliveryLedger Ledger { get; set; } = new();

        /// <summary>Deletes verified messages while the crowd's runs go on, when a database was given.</summary>
        public VerifiedMessagePruner? Pruner { get; private set; }

        internal IReadOnlyList<Pair> Pairs => _pairs;

        public static async Task<Crowd> ConnectAsync(Uri url, int pairs, string? mongoConnectionString = null)
        {
            var crowd = new Crowd();
            if (mongoConnectionString is not null)
            {
                crowd.Pruner = new VerifiedMessagePruner(mongoConnectionString, () => crowd.Ledger.HighestDeliveredSeqs);
            }
            for (var i = 0; i < pairs; i++)
            {
                var sender = await ChatSession.SignUpAsync(url, $"load-{crowd.Run}-s{i}");
                var recipient = await ChatSession.SignUpAsync(url, $"load-{crowd.Run}-r{i}");
                var hub = recipient.Hub(url);
                await hub.StartAsync();
                var replica = await hub.InvokeAsync<string>("Ping");
                hub.On<Message>("MessageReceived", message =>
                {
                    crowd.Ledger.Delivered(message.ConversationId, message.Id, message.ClientMessageId, message.Seq, replica, Stopwatch.GetTimestamp());
                    _ = hub.SendAsync("ConfirmDelivery", message.Id, message.CreatedAt);
                });
                crowd._pairs.Add(new Pair(sender.Http(url), recipient.UserId, hub, replica));
            }
            return crowd;
        }

        public async ValueTask DisposeAsync()
        {
            if (Pruner is not null) await Pruner.DisposeAsync();
            foreach (var pair in _pairs)
            {
                await pair.Recipient.DisposeAsync();
                pair.Sender.Dispose();
            }
        }
    }

    public static async Task<Report> RunAsync(Options options, Action<string>? progress = null)
    {
        await using var crowd = await Crowd.ConnectAsync(options.Url, options.Pairs, options.MongoConnectionString);
        return await RunAsync(crowd, options, progress);
    }

    public static async Task<Report> RunAsync(Crowd crowd, Options options, Action<string>? progress = null)
    {
        var ledger = crowd.Ledger = new DeliveryLedger();
        var serverTimes = new System.Collections.Concurrent.ConcurrentBag<TimeSpan>();
        var pruner = crowd.Pruner;
        var prunedBefore = pruner?.Deleted ?? 0;

        var pairs = crowd.Pairs;
        var total = options.Warmup + options.Duration;
        var started = Stopwatch.GetTimestamp();
        var cpuAtMeasurementStart = new Lazy<TimeSpan>(() => ApiProcesses.Cpu());
        var progressTimer = new Timer(_ => progress?.Invoke(
            $"{Stopwatch.GetElapsedTime(started).TotalSeconds,5:F0} s  sent {ledger.SentCount,6}  delivered {ledger.DeliveredCount,6}  errors {ledger.Errors}" +
            (pruner is null ? "" : $"  pruned {pruner.Deleted - prunedBefore,6}")),
            null, 1000, 1000);

        // One sender per conversation, so its pushes must arrive in seq order.
        await PacedSenders.RunAsync(pairs, options.Rate, options.Warmup, total, started, async (pair, slot, measured) =>
        {
            if (measured && options.MeasureCpu) _ = cpuAtMeasurementStart.Value;
            await SendOneAsync(pair, $"load {crowd.Run} {slot.TotalMilliseconds:F0}", measured, options.Traced, ledger, serverTimes);
        });
        var elapsed = Stopwatch.GetElapsedTime(started) - options.Warmup;
        var cpuUsed = options.MeasureCpu ? ApiProcesses.Cpu() - cpuAtMeasurementStart.Value : TimeSpan.Zero;
        await progressTimer.DisposeAsync();
        await Task.Delay(TimeSpan.FromSeconds(2)); // stragglers

        double? cpuPerMessage = null;
        var measuredSends = ledger.Acks.Count;
        if (options.MeasureCpu)
        {
            cpuPerMessage = (await ApiProcesses.AboveIdleAsync(cpuUsed, elapsed)).TotalMilliseconds / Math.Max(measuredSends, 1);
        }
        if (pruner is not null) await pruner.PruneAsync();
        long? pruned = pruner is null ? null : pruner.Deleted - prunedBefore;

        return new Report(measuredSends, measuredSends / elapsed.TotalSeconds, ledger.Errors, ledger.Lost, ledger.Duplicates, ledger.OutOfOrder,
            new LatencyStats(ledger.Acks), new LatencyStats(serverTimes), new LatencyStats(ledger.Deliveries()),
            new LatencyStats(ledger.Deliveries(crossReplica: false)), new LatencyStats(ledger.Deliveries(crossReplica: true)),
            cpuPerMessage, pruned);
    }

    private static async Task SendOneAsync(Pair pair, string text, bool measured, bool traced, DeliveryLedger ledger,
        System.Collections.Concurrent.ConcurrentBag<TimeSpan> serverTimes)
    {
        var clientMessageId = Guid.NewGuid().ToString();
        ledger.Sent(clientMessageId, Stopwatch.GetTimestamp(), measured);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/conversations/{pair.RecipientId}/messages")
            {
                Content = JsonContent.Create(new { clientMessageId, text }),
            };
            if (traced) request.Headers.Add("traceparent", $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-01");
            using var response = await pair.Sender.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.Created)
            {
                ledger.Failed(clientMessageId);
                return;
            }
            ledger.Acked(clientMessageId, response.Headers.TryGetValues("X-Chat-Instance", out var replica) ? replica.Single() : null, Stopwatch.GetTimestamp());
            if (measured && ServerTime(response) is { } serverTime) serverTimes.Add(serverTime);
        }
        catch (HttpRequestException)
        {
            ledger.Failed(clientMessageId);
        }
    }

    public static void Print(Options options, Report report)
    {
        Console.WriteLine($"sent {report.Sent} in {options.Duration.TotalSeconds:F0} s = {report.Throughput:F1} msg/s; " +
            $"errors {report.Errors}, lost {report.Lost}, duplicates {report.Duplicates}, out of seq order {report.OutOfOrder}");
        Line("ack (send → stored message)", report.Ack);
        Line("server time (Server-Timing)", report.ServerTime);
        Line("delivery, same replica", report.SameReplica);
        Line("delivery, cross replica", report.CrossReplica);
        Line("delivery, all", report.Delivery);
        if (report.CpuMsPerMessageAboveIdle is { } cpu) Console.WriteLine($"API CPU per message, all replicas, above idle: {cpu:F2} ms");
        Console.WriteLine(report.PrunedMessages is { } pruned
            ? $"database kept small: {pruned} verified messages deleted during the run"
            : "database not pruned (no --mongo given): every message of the run stays stored");

        static void Line(string what, LatencyStats stats) => Console.WriteLine(
            $"{what,-30} n={stats.Count,6}  p50={stats.Median,7:F2}  p90={stats.Percentile(90),7:F2}  p99={stats.Percentile(99),7:F2}  " +
            $"p99.9={stats.Percentile(99.9),7:F2}  max={stats.Max,8:F2} ms");
    }

    private static TimeSpan? ServerTime(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Server-Timing", out var values)
        && values.SelectMany(v => v.Split(';')).FirstOrDefault(p => p.Trim().StartsWith("dur=")) is { } duration
        && double.TryParse(duration.Trim()[4..], System.Globalization.CultureInfo.InvariantCulture, out var ms)
            ? TimeSpan.FromMilliseconds(ms)
            : null;
}

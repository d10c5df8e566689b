using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Chat.LoadTest.Clients;
using Chat.LoadTest.Measurement;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.LoadTest.Scenarios;

/// <summary>
/// Pairs of users exchange messages at a target total rate: each pair's sender posts over REST,
/// the recipient listens on the hub (connections through the web front, spread over replicas).
/// Reports ack latency (send → stored message returned), delivery latency (send → recipient's
/// MessageReceived, split same/cross replica), the server's own time (Server-Timing), the API
/// replicas' CPU per message, and checks every message arrived exactly once, in seq order.
/// </summary>
public static class MessagesScenario
{
    private sealed record Message(string Id, string ConversationId, long Seq, string ClientMessageId, string SenderId);

    private sealed class Pair
    {
        public required HttpClient Sender { get; init; }
        public required string RecipientId { get; init; }
        public required string RecipientReplica { get; init; }
        public required HubConnection Recipient { get; init; }
        public long LastDeliveredSeq;
    }

    public static async Task<int> RunAsync(Uri url, int pairs, double rate, TimeSpan duration, TimeSpan warmup)
    {
        Console.WriteLine($"messages: {pairs} pairs, {rate} msg/s in total for {duration.TotalSeconds} s (after {warmup.TotalSeconds} s warm-up), via {url}");
        // Sends awaiting delivery, with the replica that stored them (X-Chat-Instance) once acked.
        var pending = new ConcurrentDictionary<string, (long SentAt, bool Measured, Pair Pair)>();
        var storedBy = new ConcurrentDictionary<string, string>();
        long sends = 0;
        var ack = new ConcurrentBag<TimeSpan>();
        var server = new ConcurrentBag<TimeSpan>();
        var delivery = new ConcurrentDictionary<bool, ConcurrentBag<TimeSpan>>();
        long errors = 0, duplicates = 0, outOfOrder = 0, delivered = 0;
        var deliveredIds = new ConcurrentDictionary<string, byte>();

        var run = Guid.NewGuid().ToString("N")[..8];
        var pairList = new List<Pair>();
        for (var i = 0; i < pairs; i++)
        {
            var sender = await ChatSession.SignUpAsync(url, $"load-{run}-s{i}");
            var recipient = await ChatSession.SignUpAsync(url, $"load-{run}-r{i}");
            var hub = recipient.Hub(url);
            await hub.StartAsync();
            var pair = new Pair
            {
                Sender = sender.Http(url), RecipientId = recipient.UserId,
                RecipientReplica = await hub.InvokeAsync<string>("Ping"), Recipient = hub,
            };
            hub.On<Message>("MessageReceived", message =>
            {
                var now = Stopwatch.GetTimestamp();
                if (!deliveredIds.TryAdd(message.Id, 0)) { Interlocked.Increment(ref duplicates); return; }
                if (message.Seq <= Interlocked.Exchange(ref pair.LastDeliveredSeq, message.Seq)) Interlocked.Increment(ref outOfOrder);
                if (!pending.TryRemove(message.ClientMessageId, out var sent)) return;
                Interlocked.Increment(ref delivered);
                if (sent.Measured)
                {
                    // Pushes can beat the ack; the replica is then unknown yet and the sample counts as cross.
                    var cross = !storedBy.TryGetValue(message.ClientMessageId, out var replica) || replica != pair.RecipientReplica;
                    delivery.GetOrAdd(cross, _ => []).Add(Stopwatch.GetElapsedTime(sent.SentAt, now));
                }
            });
            pairList.Add(pair);
        }

        var cpuBefore = TimeSpan.Zero;
        var measuredSends = 0L;
        var total = warmup + duration;
        var interval = TimeSpan.FromSeconds(pairs / rate); // each pair sends at rate / pairs
        var started = Stopwatch.GetTimestamp();
        var measuring = false;
        var progress = new Timer(_ => Console.Write($"\r  {Stopwatch.GetElapsedTime(started).TotalSeconds,5:F0} s  sent {Interlocked.Read(ref sends),6}  delivered {Interlocked.Read(ref delivered),6}  errors {Interlocked.Read(ref errors)}   "), null, 1000, 1000);

        await Task.WhenAll(pairList.Select(async (pair, index) =>
        {
            // Spread the pairs' send times over one interval.
            var next = TimeSpan.FromTicks(interval.Ticks * index / pairs);
            while (next < total)
            {
                var wait = next - Stopwatch.GetElapsedTime(started);
                if (wait > TimeSpan.Zero) await Task.Delay(wait);
                var inMeasurement = next >= warmup;
                if (inMeasurement && !measuring)
                {
                    measuring = true;
                    cpuBefore = ProcessCpu.OfProcessesNamed("Chat.Api");
                }
                var clientMessageId = Guid.NewGuid().ToString();
                var sentAt = Stopwatch.GetTimestamp();
                pending[clientMessageId] = (sentAt, inMeasurement, pair);
                Interlocked.Increment(ref sends);
                try
                {
                    using var response = await pair.Sender.PostAsJsonAsync($"/api/conversations/{pair.RecipientId}/messages",
                        new { clientMessageId, text = $"load {run} {next.TotalMilliseconds:F0}" });
                    var took = Stopwatch.GetElapsedTime(sentAt);
                    if (response.Headers.TryGetValues("X-Chat-Instance", out var instance)) storedBy[clientMessageId] = instance.Single();
                    if (response.StatusCode != HttpStatusCode.Created) { Interlocked.Increment(ref errors); pending.TryRemove(clientMessageId, out _); }
                    else if (inMeasurement)
                    {
                        ack.Add(took);
                        Interlocked.Increment(ref measuredSends);
                        if (ServerTime(response) is { } serverTime) server.Add(serverTime);
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref errors);
                    pending.TryRemove(clientMessageId, out _);
                }
                next += interval;
            }
        }));
        var elapsed = Stopwatch.GetElapsedTime(started) - warmup;
        await progress.DisposeAsync();
        var cpu = ProcessCpu.OfProcessesNamed("Chat.Api") - cpuBefore;
        await Task.Delay(TimeSpan.FromSeconds(2)); // stragglers

        // The replicas' idle CPU (health probes, telemetry export), measured after the run when
        // start-up work (JIT tiering) is over, to subtract from the run's.
        var idleWindow = TimeSpan.FromSeconds(5);
        var idleStart = ProcessCpu.OfProcessesNamed("Chat.Api");
        await Task.Delay(idleWindow);
        var idleCpuPerSecond = (ProcessCpu.OfProcessesNamed("Chat.Api") - idleStart) / idleWindow.TotalSeconds;
        Console.WriteLine();

        var lost = pending.Count;
        Console.WriteLine($"sent {measuredSends} in {elapsed.TotalSeconds:F1} s = {measuredSends / elapsed.TotalSeconds:F1} msg/s; errors {errors}, lost {lost}, duplicates {duplicates}, out of seq order {outOfOrder}");
        Report("ack (send → stored message)", new LatencyStats(ack));
        Report("server time (Server-Timing)", new LatencyStats(server));
        foreach (var (cross, samples) in delivery.OrderBy(d => d.Key))
        {
            Report($"delivery, {(cross ? "cross" : "same")} replica", new LatencyStats(samples));
        }
        Report("delivery, all", new LatencyStats(delivery.Values.SelectMany(s => s)));
        var busyCpu = cpu - idleCpuPerSecond * elapsed.TotalSeconds;
        Console.WriteLine($"API CPU, all replicas: idle {idleCpuPerSecond.TotalMilliseconds:F0} ms/s; per message {cpu.TotalMilliseconds / Math.Max(measuredSends, 1):F2} ms raw, {busyCpu.TotalMilliseconds / Math.Max(measuredSends, 1):F2} ms above idle");

        foreach (var pair in pairList) await pair.Recipient.DisposeAsync();
        return errors + lost + duplicates + outOfOrder == 0 ? 0 : 1;
    }

    private static void Report(string what, LatencyStats stats) =>
        Console.WriteLine($"{what,-32} n={stats.Count,6}  p50={stats.Median,7:F2} ms  p90={stats.Percentile(90),7:F2} ms  p99={stats.Percentile(99),7:F2} ms  max={stats.Max,8:F2} ms");

    private static TimeSpan? ServerTime(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Server-Timing", out var values)
        && values.SelectMany(v => v.Split(';')).FirstOrDefault(p => p.Trim().StartsWith("dur=")) is { } duration
        && double.TryParse(duration.Trim()[4..], System.Globalization.CultureInfo.InvariantCulture, out var ms)
            ? TimeSpan.FromMilliseconds(ms)
            : null;
}

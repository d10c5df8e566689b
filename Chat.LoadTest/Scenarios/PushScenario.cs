using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.LoadTest.Clients;
using Chat.LoadTest.Measurement;
using Chat.LoadTest.Push;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Chat.LoadTest.Scenarios;

/// <summary>
/// Messages to people whose only device is closed, so each message becomes a Web Push: pairs of
/// users, each recipient subscribed (no hub connection) at a push service this tool runs itself,
/// which must be allowed by the cluster (<c>./eng/start --Push:AllowedHosts:0=127.0.0.1:PORT</c>).
/// Measures the senders' ack latency (does pushing slow a send?), the time from send to the push
/// service receiving the push, and that every message was pushed exactly once (each push is
/// decrypted with its device's keys, so the ids are read, not guessed).
/// </summary>
public static class PushScenario
{
    /// <param name="MongoConnectionString">When given, pushed messages are deleted during the run (the stand-in slows with a collection's size; see VerifiedMessagePruner).</param>
    public sealed record Options(Uri Url, int Pairs, double Rate, TimeSpan Duration, TimeSpan Warmup, int PushPort, bool MeasureCpu = true,
        string? MongoConnectionString = null);

    public sealed record Report(long Sent, double Throughput, long Errors, long Pushed, long Missing, long Duplicates,
        LatencyStats Ack, LatencyStats Push, double? CpuMsPerMessageAboveIdle);

    private sealed record Pair(HttpClient Sender, string RecipientId, PushReceiver Keys);

    public static async Task<Report> RunAsync(Options options, Action<string>? progress = null)
    {
        var sentAt = new ConcurrentDictionary<(string ConversationId, long Seq), long>();
        var pushedAt = new ConcurrentDictionary<(string ConversationId, long Seq), long>();
        var highestPushed = new ConcurrentDictionary<string, long>();
        long duplicates = 0, errors = 0;
        var pairs = new List<Pair>();

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{options.PushPort}");
        builder.Logging.ClearProviders();
        await using var pushService = builder.Build();
        pushService.MapPost("/push/{device:int}", async (int device, HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            var payload = JsonSerializer.Deserialize<JsonElement>(pairs[device].Keys.Decrypt(body.ToArray()));
            var id = (payload.GetProperty("conversationId").GetString()!, payload.GetProperty("seq").GetInt64());
            if (!pushedAt.TryAdd(id, Stopwatch.GetTimestamp())) Interlocked.Increment(ref duplicates);
            highestPushed.AddOrUpdate(id.Item1, id.Item2, (_, seen) => Math.Max(seen, id.Item2));
            return Results.StatusCode(StatusCodes.Status201Created);
        });
        await pushService.StartAsync();
        await using var pruner = options.MongoConnectionString is { } mongo ? new Storage.VerifiedMessagePruner(mongo, () => highestPushed) : null;

        var run = Guid.NewGuid().ToString("N")[..8];
        for (var i = 0; i < options.Pairs; i++)
        {
            var sender = await ChatSession.SignUpAsync(options.Url, $"push-{run}-s{i}");
            var recipient = await ChatSession.SignUpAsync(options.Url, $"push-{run}-r{i}");
            var keys = new PushReceiver();
            using var recipientHttp = recipient.Http(options.Url);
            using var subscribed = await recipientHttp.PutAsJsonAsync("/api/push/subscriptions", new
            {
                endpoint = $"http://127.0.0.1:{options.PushPort}/push/{i}",
                keys = new { p256dh = keys.P256dh, auth = keys.Auth },
            });
            if (subscribed.StatusCode != HttpStatusCode.NoContent)
            {
                throw new InvalidOperationException($"Subscribing was refused ({(int)subscribed.StatusCode}): start the cluster with --Push:AllowedHosts:0=127.0.0.1:{options.PushPort}.");
            }
            pairs.Add(new Pair(sender.Http(options.Url), recipient.UserId, keys));
        }

        var acks = new ConcurrentBag<TimeSpan>();
        var measuredIds = new ConcurrentBag<(string, long)>();
        var total = options.Warmup + options.Duration;
        var started = Stopwatch.GetTimestamp();
        var cpuAtMeasurementStart = new Lazy<TimeSpan>(() => ApiProcesses.Cpu());
        await using var progressTimer = new Timer(_ => progress?.Invoke(
            $"{Stopwatch.GetElapsedTime(started).TotalSeconds,5:F0} s  sent {sentAt.Count,6}  pushed {pushedAt.Count,6}  errors {errors}"), null, 1000, 1000);
        await PacedSenders.RunAsync(pairs, options.Rate, options.Warmup, total, started, async (pair, slot, measured) =>
        {
            if (measured && options.MeasureCpu) _ = cpuAtMeasurementStart.Value;
            var sending = Stopwatch.GetTimestamp();
            try
            {
                using var response = await pair.Sender.PostAsJsonAsync($"/api/conversations/{pair.RecipientId}/messages",
                    new { clientMessageId = Guid.NewGuid().ToString(), text = $"push {run} {slot.TotalMilliseconds:F0}" });
                var message = await response.Content.ReadFromJsonAsync<JsonElement>();
                if (response.StatusCode != HttpStatusCode.Created) throw new HttpRequestException($"{(int)response.StatusCode}");
                var id = (message.GetProperty("conversationId").GetString()!, message.GetProperty("seq").GetInt64());
                sentAt[id] = sending;
                if (measured)
                {
                    acks.Add(Stopwatch.GetElapsedTime(sending));
                    measuredIds.Add(id);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or JsonException)
            {
                Interlocked.Increment(ref errors);
            }
        });
        var elapsed = Stopwatch.GetElapsedTime(started) - options.Warmup;
        var cpuUsed = options.MeasureCpu ? ApiProcesses.Cpu() - cpuAtMeasurementStart.Value : TimeSpan.Zero;
        // Pushes trail their messages: wait for the last ones (or give up after 10 s).
        var until = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 10;
        while (sentAt.Keys.Any(id => !pushedAt.ContainsKey(id)) && Stopwatch.GetTimestamp() < until) await Task.Delay(100);
        await pushService.StopAsync();
        foreach (var pair in pairs)
        {
            pair.Sender.Dispose();
            pair.Keys.Dispose();
        }

        var measured = measuredIds.ToList();
        var pushLatencies = measured.Where(pushedAt.ContainsKey).Select(id => Stopwatch.GetElapsedTime(sentAt[id], pushedAt[id]));
        double? cpu = options.MeasureCpu ? (await ApiProcesses.AboveIdleAsync(cpuUsed, elapsed)).TotalMilliseconds / Math.Max(measured.Count, 1) : null;
        return new Report(measured.Count, measured.Count / elapsed.TotalSeconds, errors, measured.Count(pushedAt.ContainsKey),
            sentAt.Keys.Count(id => !pushedAt.ContainsKey(id)), duplicates, new LatencyStats(acks), new LatencyStats(pushLatencies), cpu);
    }

    public static void Print(Report report)
    {
        Console.WriteLine($"sent {report.Sent} = {report.Throughput:F1} msg/s; errors {report.Errors}; pushed {report.Pushed}, " +
            $"missing {report.Missing}, pushed twice {report.Duplicates}");
        Line("ack (send → stored message)", report.Ack);
        Line("push (send → push service)", report.Push);
        if (report.CpuMsPerMessageAboveIdle is { } cpu) Console.WriteLine($"API CPU per message, all replicas, above idle: {cpu:F2} ms");

        static void Line(string what, LatencyStats stats) => Console.WriteLine(
            $"{what,-30} n={stats.Count,6}  p50={stats.Median,7:F2}  p90={stats.Percentile(90),7:F2}  p99={stats.Percentile(99),7:F2}  max={stats.Max,8:F2} ms");
    }
}

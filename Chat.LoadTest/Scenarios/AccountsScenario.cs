using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Chat.LoadTest.Measurement;

namespace Chat.LoadTest.Scenarios;

/// <summary>
/// Sign-up and log-in through the public API: latency of each (sequential, one at a time) and
/// log-ins per second with <c>concurrency</c> clients in parallel. Point it at one replica's
/// address to measure a replica, or at the web front to include the proxy.
/// </summary>
public static class AccountsScenario
{
    public static async Task<int> RunAsync(Uri url, int users, int concurrency)
    {
        var password = "load-test password";
        var run = Guid.NewGuid().ToString("N")[..8];
        var emails = Enumerable.Range(0, users).Select(i => $"load-{run}-{i}@example.test").ToArray();

        Console.WriteLine($"accounts: {users} users against {url}, then log-ins with {concurrency} in parallel");
        var signUps = new List<TimeSpan>();
        foreach (var email in emails)
        {
            signUps.Add(await TimeAsync(url, "/api/auth/signup", new { email, password, fullName = $"Load {run}" }, HttpStatusCode.Created));
        }
        var logIns = new List<TimeSpan>();
        foreach (var email in emails)
        {
            logIns.Add(await TimeAsync(url, "/api/auth/login", new { email, password }, HttpStatusCode.OK));
        }

        // Throughput: every user logs in once more, `concurrency` at a time.
        var parallelLogIns = new ConcurrentBag<TimeSpan>();
        var wall = Stopwatch.StartNew();
        await Parallel.ForEachAsync(emails, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (email, _) =>
            parallelLogIns.Add(await TimeAsync(url, "/api/auth/login", new { email, password }, HttpStatusCode.OK)));
        wall.Stop();

        Report("sign-up (sequential)", new LatencyStats(signUps));
        Report("log-in (sequential)", new LatencyStats(logIns));
        Report($"log-in ({concurrency} parallel)", new LatencyStats(parallelLogIns));
        Console.WriteLine($"log-ins per second with {concurrency} in parallel: {users / wall.Elapsed.TotalSeconds:F1}");
        return 0;
    }

    private static void Report(string what, LatencyStats stats) =>
        Console.WriteLine($"{what,-28} n={stats.Count,5}  p50={stats.Median,7:F1} ms  p99={stats.Percentile(99),7:F1} ms  max={stats.Max,7:F1} ms");

    // A client per call, like a browser's first request: no cookie, a new connection's cost
    // excluded by warming it (the handler is shared and pools connections).
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseCookies = false });

    private static async Task<TimeSpan> TimeAsync(Uri url, string path, object body, HttpStatusCode expected)
    {
        var stopwatch = Stopwatch.StartNew();
        using var response = await Http.PostAsJsonAsync(new Uri(url, path), body);
        stopwatch.Stop();
        if (response.StatusCode != expected)
        {
            throw new InvalidOperationException($"{path}: expected {(int)expected}, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        return stopwatch.Elapsed;
    }
}

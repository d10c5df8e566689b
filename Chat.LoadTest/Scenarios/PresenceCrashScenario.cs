using System.Diagnostics;
using Chat.LoadTest.Clients;
using Chat.LoadTest.Measurement;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.LoadTest.Scenarios;

/// <summary>
/// Time from an API replica's death to its users shown offline. Kills (SIGKILL) one replica per
/// round, so start the cluster with more replicas than rounds (./eng/start --Api:Replicas=6),
/// and run the tool on the cluster's machine (it kills by the process id in X-Chat-Instance).
/// </summary>
public static class PresenceCrashScenario
{
    private sealed record Delta(string UserId, bool Online);

    public static async Task<int> RunAsync(Uri url, int kills)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var watcherSession = await ChatSession.SignUpAsync(url, $"crash-{run}-watcher");
        var offlineAt = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
        var onlineSeen = new System.Collections.Concurrent.ConcurrentDictionary<string, byte>();
        await using var watcher = watcherSession.Hub(url);
        watcher.On<List<Delta>>("PresenceChanged", batch =>
        {
            foreach (var delta in batch)
            {
                if (delta.Online) onlineSeen[delta.UserId] = 0;
                else offlineAt.TryAdd(delta.UserId, Stopwatch.GetTimestamp());
            }
        });
        await watcher.StartAsync();
        var watcherReplica = await watcher.InvokeAsync<string>("Ping");
        Console.WriteLine($"presence-crash: {kills} rounds; the watcher is on {watcherReplica}");

        var times = new List<TimeSpan>();
        for (var round = 1; round <= kills; round++)
        {
            var session = await ChatSession.SignUpAsync(url, $"crash-{run}-{round}");
            var userId = session.UserId;
            // A connection on some other replica than the watcher's (the proxy picks; retry).
            HubConnection? victim = null;
            string replica = watcherReplica;
            while (replica == watcherReplica)
            {
                if (victim is not null) await victim.DisposeAsync();
                victim = session.Hub(url);
                try
                {
                    await victim.StartAsync();
                    replica = await victim.InvokeAsync<string>("Ping");
                }
                catch (Exception ex) when (ex is HttpRequestException or System.Net.WebSockets.WebSocketException)
                {
                    // The proxy tried a replica killed in an earlier round.
                }
            }
            while (!onlineSeen.ContainsKey(userId)) await Task.Delay(20);

            (await ApiProcesses.FindByInstanceAsync(replica)).Kill();
            var killed = Stopwatch.GetTimestamp();
            while (!offlineAt.ContainsKey(userId)) await Task.Delay(20);
            var took = Stopwatch.GetElapsedTime(killed, offlineAt[userId]);
            times.Add(took);
            Console.WriteLine($"  round {round}: killed {replica}; its user shown offline after {took.TotalSeconds:F1} s");
            await victim!.DisposeAsync();
        }

        var stats = new LatencyStats(times);
        Console.WriteLine($"death → offline: median {stats.Median / 1000:F1} s, max {stats.Max / 1000:F1} s over {times.Count} kills");
        return 0;
    }
}

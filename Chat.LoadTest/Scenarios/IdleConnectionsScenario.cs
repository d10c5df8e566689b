using Chat.LoadTest.Clients;
using Chat.LoadTest.Measurement;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.LoadTest.Scenarios;

/// <summary>
/// Opens M idle hub connections (shared among M/10 users: the cost measured is the connection's,
/// not the account's, and each user stays under the API's limit of open connections) and reports
/// the API replicas' resident memory per connection still open after a settle. Run on the
/// cluster's machine. The connections open in two halves, measured after each: the second half's
/// growth per connection is the marginal cost, without what the first connections pay once
/// (code compiled and types loaded for the hub's path, pools and caches filled). <c>hold</c>
/// keeps them open that much longer after the measurement, for a heap dump (<c>dotnet-gcdump</c>).
/// </summary>
public static class IdleConnectionsScenario
{
    /// <summary>Well under the API's default <c>RateLimits:MaxConnectionsPerUser</c> (20), which closes the ones beyond it.</summary>
    private const int ConnectionsPerUser = 10;

    public sealed record Report(int Connections, long ResidentBefore, int ConnectionsAtHalf, long ResidentAtHalf, long ResidentAfter)
    {
        public double BytesPerConnection => (ResidentAfter - ResidentBefore) / (double)Connections;
        public double MarginalBytesPerConnection => (ResidentAfter - ResidentAtHalf) / (double)(Connections - ConnectionsAtHalf);
    }

    public static async Task<Report> RunAsync(Uri url, int connections, TimeSpan hold, Action<string>? progress = null)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var users = new List<ChatSession>();
        foreach (var chunk in Enumerable.Range(0, (connections + ConnectionsPerUser - 1) / ConnectionsPerUser).Chunk(10))
        {
            users.AddRange(await Task.WhenAll(chunk.Select(i => ChatSession.SignUpAsync(url, $"idle-{run}-{i}"))));
        }

        await Task.Delay(TimeSpan.FromSeconds(5)); // let the sign-ups' garbage go
        var before = ApiProcesses.ResidentBytes();
        var open = new List<HubConnection>();
        try
        {
            var half = await OpenAsync(connections / 2);
            var atHalf = ApiProcesses.ResidentBytes();
            var all = await OpenAsync(connections - connections / 2);
            var report = new Report(all, before, half, atHalf, ApiProcesses.ResidentBytes());
            if (hold > TimeSpan.Zero)
            {
                progress?.Invoke($"{all} connections open, measured; holding them {hold.TotalSeconds:F0} s");
                await Task.Delay(hold);
            }
            return report;
        }
        finally
        {
            await Task.WhenAll(open.Select(h => h.DisposeAsync().AsTask()));
        }

        // Opens this many more, lets them settle; returns how many of all are still open.
        async Task<int> OpenAsync(int count)
        {
            foreach (var chunk in Enumerable.Range(open.Count, count).Chunk(50))
            {
                open.AddRange(await Task.WhenAll(chunk.Select(async i =>
                {
                    var hub = users[i % users.Count].Hub(url);
                    await hub.StartAsync();
                    return hub;
                })));
                progress?.Invoke($"{open.Count} connections open");
            }
            await Task.Delay(TimeSpan.FromSeconds(10)); // settle: presence registration, batches, GC
            // Counted, not assumed: the server may close a connection after its handshake (a limit).
            var stillOpen = open.Count(h => h.State == HubConnectionState.Connected);
            if (stillOpen < open.Count) progress?.Invoke($"only {stillOpen} of {open.Count} connections stayed open");
            return stillOpen;
        }
    }
}

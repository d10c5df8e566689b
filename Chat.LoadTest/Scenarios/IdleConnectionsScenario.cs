using Chat.LoadTest.Clients;
using Chat.LoadTest.Measurement;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.LoadTest.Scenarios;

/// <summary>
/// Opens M idle hub connections through the web front (shared among a few users: the cost
/// measured is the connection's, not the account's) and reports the API replicas' resident
/// memory per connection, after a forced settle. Run on the cluster's machine.
/// </summary>
public static class IdleConnectionsScenario
{
    public sealed record Report(int Connections, long ResidentBefore, long ResidentAfter)
    {
        public double BytesPerConnection => (ResidentAfter - ResidentBefore) / (double)Connections;
    }

    public static async Task<Report> RunAsync(Uri url, int connections, Action<string>? progress = null)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var users = new List<ChatSession>();
        for (var i = 0; i < Math.Max(1, connections / 100); i++) users.Add(await ChatSession.SignUpAsync(url, $"idle-{run}-{i}"));

        await Task.Delay(TimeSpan.FromSeconds(5)); // let the sign-ups' garbage go
        var before = ApiProcesses.ResidentBytes();
        var open = new List<HubConnection>();
        try
        {
            foreach (var chunk in Enumerable.Range(0, connections).Chunk(50))
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
            return new Report(open.Count, before, ApiProcesses.ResidentBytes());
        }
        finally
        {
            await Task.WhenAll(open.Select(h => h.DisposeAsync().AsTask()));
        }
    }
}

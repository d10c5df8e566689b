using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Tests.Support;

/// <summary>
/// A real SignalR client of /hubs/chat (WebSockets, skipNegotiation, the session cookie), that
/// records every server event it receives so tests can wait for and count them.
/// </summary>
public sealed class LiveClient : IAsyncDisposable
{
    private static readonly string[] Events = ["MessageReceived", "MessageUpdated", "ReadUpTo", "Typing", "PresenceChanged", "GroupChanged", "GroupReadProgress", "MuteChanged"];
    private readonly ConcurrentQueue<(string Event, JsonElement Payload, DateTime At)> _received = new();

    private LiveClient(HubConnection connection)
    {
        Connection = connection;
        foreach (var name in Events)
        {
            connection.On<JsonElement>(name, payload => _received.Enqueue((name, payload, DateTime.UtcNow)));
        }
    }

    public HubConnection Connection { get; }

    /// <summary>The replica holding this connection (the hub's Ping).</summary>
    public string Replica { get; private set; } = "";

    public static async Task<LiveClient> ConnectAsync(Uri baseAddress, string sessionToken)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(baseAddress, "/hubs/chat"), options =>
            {
                options.Transports = HttpTransportType.WebSockets;
                options.SkipNegotiation = true;
                options.Headers["Cookie"] = $"chat_session={sessionToken}";
            })
            .Build();
        var client = new LiveClient(connection);
        await connection.StartAsync();
        client.Replica = await connection.InvokeAsync<string>("Ping");
        return client;
    }

    public IReadOnlyList<T> All<T>(string name) =>
        _received.Where(e => e.Event == name).Select(e => e.Payload.Deserialize<T>(ChatApiClient.Json)!).ToList();

    /// <summary>Waits until an event of this name satisfies <paramref name="match"/>.</summary>
    public async Task<T> WaitForAsync<T>(string name, Func<T, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (DateTime.UtcNow < deadline)
        {
            var found = All<T>(name).FirstOrDefault(match);
            if (found is not null) return found;
            await Task.Delay(10);
        }
        throw new TimeoutException($"No {name} event matched within the timeout.");
    }

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();
}

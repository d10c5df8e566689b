using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.LoadTest.Clients;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.LoadTest.Chaos;

/// <summary>A conversation as a chaos peer talks in it: a pair (the peer's id) or a group (its id).</summary>
public sealed record ChaosConversation(string Path, string HubMethod, string TargetId)
{
    public static ChaosConversation Pair(string peerId) => new($"/api/conversations/{peerId}", "SendMessage", peerId);

    public static ChaosConversation Group(string groupId) => new($"/api/groups/{groupId}", "SendGroupMessage", groupId);
}

/// <summary>
/// One user of a chaos run, in one conversation (a pair or a group), behaving as the web client does: a hub connection through the web
/// front that comes back by itself (forever), a catch-up by seq after every return, and sends
/// that are retried under the same clientMessageId until the server acknowledges them
/// (alternately over the hub and REST). It keeps what it sent and what it received, and how.
/// </summary>
public sealed class ChaosPeer : IAsyncDisposable
{
    private static readonly TimeSpan[] ReconnectDelays = [TimeSpan.Zero, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1)];
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(250);

    private readonly Uri _url;
    private readonly HttpClient _http;
    private readonly HubConnection _hub;
    private readonly ChaosCounters _counters;
    private readonly SemaphoreSlim _catchUp = new(1, 1);
    private readonly ConcurrentDictionary<string, ReceivedMessage> _received = new(); // by message id
    private readonly ConcurrentQueue<SentMessage> _sent = new();
    private long _sends;
    private long _reconnectedAt = -1;

    private ChaosPeer(Uri url, ChatSession session, ChaosConversation conversation, ChaosCounters counters)
    {
        _url = url;
        Session = session;
        Conversation = conversation;
        _counters = counters;
        _http = session.Http(url);
        _hub = new HubConnectionBuilder()
            .WithUrl(new Uri(url, "/hubs/chat"), o =>
            {
                o.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
                o.Headers["Cookie"] = session.Cookie;
            })
            .WithAutomaticReconnect(new Forever())
            .Build();
        _hub.On<JsonElement>("MessageReceived", m => Receive(m, live: true));
        _hub.Reconnected += _ => OnBackAsync();
        _hub.Closed += _ => ReopenAsync();
    }

    public ChatSession Session { get; }
    public ChaosConversation Conversation { get; }
    public bool Live => _hub.State == HubConnectionState.Connected;

    /// <summary>When the connection last came back (Stopwatch timestamp), or -1 if it never dropped.</summary>
    public long ReconnectedAt => Interlocked.Read(ref _reconnectedAt);

    public IReadOnlyCollection<SentMessage> Sent => _sent;
    public IReadOnlyDictionary<string, ReceivedMessage> Received => _received;

    public static async Task<ChaosPeer> ConnectAsync(Uri url, ChatSession session, ChaosConversation conversation, ChaosCounters counters)
    {
        var peer = new ChaosPeer(url, session, conversation, counters);
        await peer._hub.StartAsync();
        return peer;
    }

    /// <summary>The replica holding this user's hub connection now.</summary>
    public Task<string> ReplicaAsync() => _hub.InvokeAsync<string>("Ping");

    /// <summary>Sends one message and retries it (same clientMessageId) until acknowledged or <paramref name="stop"/>.</summary>
    public async Task SendAsync(CancellationToken stop)
    {
        var clientMessageId = Guid.NewGuid().ToString();
        var overHub = Interlocked.Increment(ref _sends) % 2 == 0;
        var attempts = 0;
        while (!stop.IsCancellationRequested)
        {
            attempts++;
            var acked = overHub && Live ? await SendOverHubAsync(clientMessageId) : await SendOverRestAsync(clientMessageId);
            if (acked is { } message)
            {
                _sent.Enqueue(new SentMessage(clientMessageId, message.GetProperty("id").GetString()!, message.GetProperty("seq").GetInt64(), attempts));
                return;
            }
            try
            {
                await Task.Delay(RetryDelay, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
        _counters.Stopped();
    }

    private async Task<JsonElement?> SendOverHubAsync(string clientMessageId)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await _hub.InvokeAsync<JsonElement>(Conversation.HubMethod, Conversation.TargetId, new { clientMessageId, text = $"chaos {clientMessageId}" });
        }
        catch (HubException ex)
        {
            _counters.HubRefusal(ex.Message);
            _counters.Refused(Stopwatch.GetElapsedTime(started));
            return null;
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or TaskCanceledException or System.Net.WebSockets.WebSocketException)
        {
            _counters.NetworkFailure(); // the connection went mid-call: unknown whether stored; the retry tells
            return null;
        }
    }

    private async Task<JsonElement?> SendOverRestAsync(string clientMessageId)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await _http.PostAsJsonAsync($"{Conversation.Path}/messages",
                new { clientMessageId, text = $"chaos {clientMessageId}" });
            _counters.Status((int)response.StatusCode);
            if (response.IsSuccessStatusCode) return await response.Content.ReadFromJsonAsync<JsonElement>();
            if (response.StatusCode == System.Net.HttpStatusCode.InternalServerError) _counters.ServerError(await response.Content.ReadAsStringAsync());
            _counters.Refused(Stopwatch.GetElapsedTime(started));
            return null;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            _counters.NetworkFailure();
            return null;
        }
    }

    /// <summary>Everything after the last seq seen without a gap (the web client's catch-up).</summary>
    public async Task CatchUpAsync()
    {
        await _catchUp.WaitAsync();
        try
        {
            while (true)
            {
                var after = ContiguousEnd();
                using var response = await _http.GetAsync($"{Conversation.Path}/messages?after={after}&limit=200");
                _counters.Status((int)response.StatusCode);
                if (!response.IsSuccessStatusCode) throw new HttpRequestException($"catch-up: {(int)response.StatusCode}");
                var page = await response.Content.ReadFromJsonAsync<JsonElement>();
                foreach (var message in page.GetProperty("items").EnumerateArray()) Receive(message, live: false);
                if (!page.GetProperty("hasMore").GetBoolean()) return;
            }
        }
        finally
        {
            _catchUp.Release();
        }
    }

    /// <summary>Every message of the conversation as stored, ascending by seq.</summary>
    public async Task<List<JsonElement>> StoredHistoryAsync()
    {
        var all = new List<JsonElement>();
        long after = 0;
        while (true)
        {
            var page = await _http.GetFromJsonAsync<JsonElement>($"{Conversation.Path}/messages?after={after}&limit=200");
            var items = page.GetProperty("items").EnumerateArray().ToList();
            all.AddRange(items);
            if (!page.GetProperty("hasMore").GetBoolean() || items.Count == 0) return all;
            after = items[^1].GetProperty("seq").GetInt64();
        }
    }

    private void Receive(JsonElement message, bool live)
    {
        var id = message.GetProperty("id").GetString()!;
        var received = new ReceivedMessage(id, message.GetProperty("seq").GetInt64(), message.GetProperty("senderId").GetString()!,
            message.GetProperty("clientMessageId").GetString()!, live);
        if (!_received.TryAdd(id, received) && live) _counters.DuplicatePush();
    }

    private long ContiguousEnd()
    {
        var seqs = _received.Values.Select(m => m.Seq).ToHashSet();
        long end = 0;
        while (seqs.Contains(end + 1)) end++;
        return end;
    }

    private async Task OnBackAsync()
    {
        Interlocked.Exchange(ref _reconnectedAt, Stopwatch.GetTimestamp());
        try
        {
            await CatchUpAsync();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            // The final settle catches up again.
        }
    }

    // The automatic reconnect never gives up, but a connection refused at start (the web front
    // restarting) ends in Closed: open it again, as the web client's own loop does.
    private async Task ReopenAsync()
    {
        while (_hub.State == HubConnectionState.Disconnected && !_disposed)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500));
                await _hub.StartAsync();
                await OnBackAsync();
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or System.Net.WebSockets.WebSocketException or InvalidOperationException or TaskCanceledException)
            {
                // Still down; try again.
            }
        }
    }

    private volatile bool _disposed;

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        await _hub.DisposeAsync();
        _http.Dispose();
    }

    private sealed class Forever : IRetryPolicy
    {
        public TimeSpan? NextRetryDelay(RetryContext context) => ReconnectDelays[Math.Min(context.PreviousRetryCount, ReconnectDelays.Length - 1)];
    }
}

/// <summary>A message this peer sent and the server acknowledged: its id and seq, and how many attempts it took.</summary>
public sealed record SentMessage(string ClientMessageId, string MessageId, long Seq, int Attempts);

/// <summary>A message this peer holds: pushed to it live, or fetched by a catch-up.</summary>
public sealed record ReceivedMessage(string Id, long Seq, string SenderId, string ClientMessageId, bool Live);

using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using StackExchange.Redis;

namespace Chat.Api.Realtime;

/// <summary>
/// This replica's hub connections and their users (presence re-registers them from here), and
/// the closing of a user's connections on every replica: a cookie is only checked when a
/// connection opens, so without this an open tab would keep receiving messages after "log out
/// everywhere". Each replica aborts its connections of a user whose id comes over a Redis channel.
/// </summary>
public sealed class ConnectionRegistry(IConnectionMultiplexer redis, ILogger<ConnectionRegistry> logger) : BackgroundService
{
    private static readonly RedisChannel SessionsEnded = RedisChannel.Literal("chat:sessions-ended");
    private static readonly TimeSpan SubscribeRetry = TimeSpan.FromSeconds(2);
    private readonly ConcurrentDictionary<string, (string UserId, HubCallerContext Context)> _connections = new();

    // Subscribes in the background, retrying until Redis answers: a replica starts (and reports
    // unhealthy) while Redis is late, instead of failing at boot. Once subscribed, the multiplexer
    // restores the subscription by itself after a reconnect.
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await redis.GetSubscriber().SubscribeAsync(SessionsEnded, (_, userId) => CloseLocal(userId!));
                return;
            }
            catch (RedisException ex)
            {
                logger.LogWarning(ex, "Could not subscribe to {Channel} yet; retrying.", SessionsEnded);
                await Task.Delay(SubscribeRetry, stoppingToken);
            }
        }
    }

    private void CloseLocal(string userId)
    {
        foreach (var (_, (owner, context)) in _connections)
        {
            if (owner == userId) context.Abort();
        }
    }

    public void Opened(HubCallerContext context, string userId) => _connections[context.ConnectionId] = (userId, context);

    public void Closed(HubCallerContext context) => _connections.TryRemove(context.ConnectionId, out _);

    public int Count => _connections.Count;

    /// <summary>Each open connection on this replica with its user.</summary>
    public IEnumerable<(string ConnectionId, string UserId)> Connections =>
        _connections.Select(c => (c.Key, c.Value.UserId));

    /// <summary>Closes the user's connections on every replica.</summary>
    public Task CloseAllOfAsync(string userId) => redis.GetSubscriber().PublishAsync(SessionsEnded, userId);
}

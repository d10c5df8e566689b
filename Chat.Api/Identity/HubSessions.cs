using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using StackExchange.Redis;

namespace Chat.Api.Identity;

/// <summary>
/// This replica's hub connections and their users (presence re-registers them from here), and
/// the ending of a user's live connections on every replica after "log out everywhere": a cookie
/// is only checked when a connection opens, so without this an open tab would keep receiving
/// messages after "log out everywhere". Each replica keeps its hub connections by user and
/// aborts them when the user's id comes over a Redis channel.
/// </summary>
public sealed class HubSessions
{
    private static readonly RedisChannel SessionsEnded = RedisChannel.Literal("chat:sessions-ended");
    private readonly ConcurrentDictionary<string, (string UserId, HubCallerContext Context)> _connections = new();
    private readonly IConnectionMultiplexer _redis;

    public HubSessions(IConnectionMultiplexer redis)
    {
        _redis = redis;
        redis.GetSubscriber().Subscribe(SessionsEnded, (_, userId) =>
        {
            foreach (var (_, (owner, context)) in _connections)
            {
                if (owner == userId) context.Abort();
            }
        });
    }

    public void Opened(HubCallerContext context, string userId) => _connections[context.ConnectionId] = (userId, context);

    public void Closed(HubCallerContext context) => _connections.TryRemove(context.ConnectionId, out _);

    public int Count => _connections.Count;

    /// <summary>Each open connection on this replica with its user.</summary>
    public IEnumerable<(string ConnectionId, string UserId)> Connections =>
        _connections.Select(c => (c.Key, c.Value.UserId));

    /// <summary>Closes the user's connections on every replica.</summary>
    public Task EndAllAsync(string userId) => _redis.GetSubscriber().PublishAsync(SessionsEnded, userId);
}

using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using StackExchange.Redis;

namespace Chat.Api.Identity;

/// <summary>
/// Ends the live connections of a user who logged out everywhere, on every replica: a cookie
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

    /// <summary>Closes the user's connections on every replica.</summary>
    public Task EndAllAsync(string userId) => _redis.GetSubscriber().PublishAsync(SessionsEnded, userId);
}

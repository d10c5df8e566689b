using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Chat.Api.Infrastructure;
using StackExchange.Redis;

namespace Chat.Api.Realtime;

/// <summary>
/// This replica's hub connections, their users and sessions (presence re-registers them from
/// here), and the closing of connections on every replica: a cookie is only checked when a
/// connection opens, so without this an open tab would keep receiving messages after log-out.
/// Each replica aborts its connections of a user, or of one session, named on a Redis channel.
/// </summary>
public sealed class ConnectionRegistry(IConnectionMultiplexer redis, IHostApplicationLifetime lifetime, ILogger<ConnectionRegistry> logger) : BackgroundService
{
    private static readonly RedisChannel SessionsEnded = RedisChannel.Literal("chat:sessions-ended");
    private const string UserPrefix = "user:";
    private const string SessionPrefix = "session:";
    private readonly ConcurrentDictionary<string, (string UserId, string? SessionId, HubCallerContext Context)> _connections = new();

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A graceful stop (SIGTERM, a scale-in, a deploy): the server takes no new connections,
        // and the open ones are closed now rather than when the shutdown times out, so their
        // clients reconnect to another replica at once (and catch up); requests in flight finish.
        lifetime.ApplicationStopping.Register(CloseAllLocal);
        return RedisSubscriptions.SubscribeWhenRedisAnswersAsync(
            () => redis.GetSubscriber().SubscribeAsync(SessionsEnded, (_, ended) => CloseLocal(ended!)), SessionsEnded, logger, stoppingToken);
    }

    private void CloseAllLocal()
    {
        logger.LogInformation("Stopping: closing {Count} hub connections so their clients reconnect elsewhere.", _connections.Count);
        foreach (var (_, (_, _, context)) in _connections) context.Abort();
    }

    // "user:{id}", "user:{id} {session kept}" or "session:{id}".
    private void CloseLocal(string ended)
    {
        var (target, kept) = ended.Split(' ') is [var first, var second] ? (first, second) : (ended, null);
        foreach (var (_, (userId, sessionId, context)) in _connections)
        {
            if ((target == UserPrefix + userId && (kept is null || sessionId != kept))
                || (sessionId is not null && target == SessionPrefix + sessionId))
            {
                context.Abort();
            }
        }
    }

    public void Opened(HubCallerContext context, string userId, string? sessionId) => _connections[context.ConnectionId] = (userId, sessionId, context);

    /// <summary>False when the connection was not registered (refused at open).</summary>
    public bool Closed(HubCallerContext context) => _connections.TryRemove(context.ConnectionId, out _);

    public int Count => _connections.Count;

    /// <summary>Each open connection on this replica with its user and session.</summary>
    public IEnumerable<(string ConnectionId, string UserId, string? SessionId)> Connections =>
        _connections.Select(c => (c.Key, c.Value.UserId, c.Value.SessionId));

    /// <summary>This replica's open connections of one user.</summary>
    public IEnumerable<string> ConnectionsOf(string userId) =>
        _connections.Where(c => c.Value.UserId == userId).Select(c => c.Key);

    /// <summary>Closes the user's connections on every replica, but those of <paramref name="exceptSessionId"/>.</summary>
    public Task CloseUserAsync(string userId, string? exceptSessionId = null) =>
        redis.GetSubscriber().PublishAsync(SessionsEnded, exceptSessionId is null ? UserPrefix + userId : $"{UserPrefix}{userId} {exceptSessionId}");

    /// <summary>Closes one session's connections on every replica.</summary>
    public Task CloseSessionAsync(string sessionId) => redis.GetSubscriber().PublishAsync(SessionsEnded, SessionPrefix + sessionId);
}

using System.Collections.Concurrent;
using Chat.Api.Accounts;
using Chat.Api.Blocking;
using Chat.Api.Contracts;
using Chat.Api.Infrastructure;
using Chat.Api.Realtime;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Chat.Api.Presence;

/// <summary>
/// Who is online, right across tabs, replicas and crashes. A user is online while at least one
/// of their connections is registered in Redis; each replica registers its own connections and
/// keeps a heartbeat key alive, and any replica sweeps away the connections of a replica whose
/// heartbeat expired (it crashed: its disconnect handlers never ran). Transitions are decided
/// atomically in Redis (Lua), so exactly one replica announces each; announcements are batched
/// into PresenceChanged deltas. A user whose last connection closes stays online for a short
/// grace, so a page reload does not flash offline.
/// </summary>
public sealed class PresenceTracker : BackgroundService
{
    // One hash tag for every presence key: the scripts touch several at once, and on a clustered
    // Redis their keys must share a slot (so presence lives on one shard; small at any scale).
    private const string Prefix = "chat:{presence}:";
    private static readonly RedisKey Replicas = Prefix + "replicas";
    private static readonly RedisKey Online = Prefix + "online";
    private static readonly RedisKey PendingOffline = Prefix + "pending-offline";

    // Registers a connection; 1 when the user was not online before (announce it); -1 when the
    // user already holds @max connections anywhere (0: no cap, for re-registration).
    private static readonly LuaScript ConnectScript = LuaScript.Prepare("""
        if tonumber(@max) > 0 and redis.call('SCARD', @userConns) >= tonumber(@max) then return -1 end
        redis.call('HSET', @conns, @connection, @user)
        redis.call('SADD', @userConns, @member)
        redis.call('ZREM', @pending, @user)
        return redis.call('SADD', @online, @user)
        """);

    // Unregisters a connection; the number of connections the user still has anywhere.
    private static readonly LuaScript DisconnectScript = LuaScript.Prepare("""
        redis.call('HDEL', @conns, @connection)
        redis.call('SREM', @userConns, @member)
        return redis.call('SCARD', @userConns)
        """);

    // Takes the user offline if no connection came back; 1 when this call did it (announce it).
    private static readonly LuaScript GoOfflineScript = LuaScript.Prepare("""
        redis.call('ZREM', @pending, @user)
        if redis.call('SCARD', @userConns) == 0 then return redis.call('SREM', @online, @user) end
        return 0
        """);

    private readonly IConnectionMultiplexer _redis;
    private readonly ChatNotifier _notifier;
    private readonly UserStore _users;
    private readonly PresenceOptions _options;
    private readonly PresenceTelemetry _telemetry;
    private readonly TimeProvider _time;
    private readonly ILogger<PresenceTracker> _logger;
    private readonly string _instance;
    private readonly RedisKey _alive;
    private readonly RedisKey _conns;
    private readonly ConnectionRegistry _localConnections;
    private readonly ConcurrentQueue<PresenceDelta> _changes = new();
    private readonly BlockList _blocks;
    private readonly PresenceAudience _audience;
    // Changes a flush could not send (blocks unreadable): the next flush starts from them.
    private Dictionary<string, PresenceDelta>? _unsent;
    // Users whose "last seen" choice changed: the people who may no longer see them are told "hidden" once.
    private readonly ConcurrentDictionary<string, byte> _restated = new();

    public PresenceTracker(IConnectionMultiplexer redis, ChatNotifier notifier, UserStore users, BlockList blocks, PresenceAudience audience,
        ApiInstance instance, ConnectionRegistry localConnections, IOptions<PresenceOptions> options, PresenceTelemetry telemetry,
        TimeProvider time, ILogger<PresenceTracker> logger)
    {
        _redis = redis;
        _notifier = notifier;
        _users = users;
        _blocks = blocks;
        _audience = audience;
        _localConnections = localConnections;
        _options = options.Value;
        _telemetry = telemetry;
        _time = time;
        _logger = logger;
        _instance = instance.Id;
        _alive = AliveKey(_instance);
        _conns = ConnsKey(_instance);
    }

    private static RedisKey AliveKey(string instance) => $"{Prefix}alive:{instance}";
    private static RedisKey ConnsKey(string instance) => $"{Prefix}conns:{instance}";
    private static RedisKey UserConnsKey(string userId) => $"{Prefix}user:{userId}";
    // A connection is named "{session}|{connection}" in its replica's hash and
    // "{replica}|{session}|{connection}" in its user's set, so pushes can tell which devices are live.
    private static string Field(string? sessionId, string connectionId) => $"{sessionId}|{connectionId}";
    private static string Member(string instance, string field) => $"{instance}|{field}";

    private static string ConnectionIdOf(RedisValue member) => member.ToString().Split('|')[^1];

    /// <summary>Registers a new connection; false (not registered) when the user already holds <paramref name="maxConnections"/>.</summary>
    public async Task<bool> ConnectedAsync(string connectionId, string userId, string? sessionId, int maxConnections) =>
        await RegisterAsync(Field(sessionId, connectionId), userId, maxConnections) >= 0;

    public async Task DisconnectedAsync(string connectionId, string userId, string? sessionId)
    {
        var field = Field(sessionId, connectionId);
        var remaining = (long)await _redis.GetDatabase().ScriptEvaluateAsync(DisconnectScript, new
        {
            conns = _conns, userConns = UserConnsKey(userId), connection = field, member = Member(_instance, field),
        });
        if (remaining == 0)
        {
            // Any replica's due-check takes the user offline after the grace, unless a
            // connection comes back first (its connect removes the pending entry).
            var due = _time.GetUtcNow() + _options.OfflineGrace;
            await _redis.GetDatabase().SortedSetAddAsync(PendingOffline, userId, due.ToUnixTimeMilliseconds());
        }
    }

    /// <summary>Which of these users are online (as last announced), in one Redis call.</summary>
    public async Task<HashSet<string>> OnlineAmongAsync(IReadOnlyCollection<string> userIds)
    {
        if (userIds.Count == 0) return [];
        var ids = userIds.Distinct().ToArray();
        var flags = await _redis.GetDatabase().SetContainsAsync(Online, ids.Select(id => (RedisValue)id).ToArray());
        return ids.Where((_, i) => flags[i]).ToHashSet();
    }

    /// <summary>The sessions (devices) of the user with a live connection on any replica, in one Redis call.</summary>
    public async Task<HashSet<string>> LiveSessionsOfAsync(string userId) =>
        (await _redis.GetDatabase().SetMembersAsync(UserConnsKey(userId)))
            .Select(member => member.ToString().Split('|'))
            .Where(parts => parts.Length == 3)
            .Select(parts => parts[1])
            .ToHashSet();

    /// <summary>
    /// The user's "last seen" choice changed: their state is announced again to whoever may see it
    /// now, and everyone else is told it is hidden (they may hold it from before).
    /// </summary>
    public async Task RestateAsync(string userId, CancellationToken cancellationToken)
    {
        var online = (await OnlineAmongAsync([userId])).Count == 1;
        var lastSeenAt = online ? null : (await _users.FindByIdAsync(userId, cancellationToken))?.LastSeenAt;
        _restated[userId] = 0;
        _changes.Enqueue(new PresenceDelta(userId, online, lastSeenAt));
    }

    private async Task<long> RegisterAsync(string field, string userId, int maxConnections = 0)
    {
        var outcome = (long)await _redis.GetDatabase().ScriptEvaluateAsync(ConnectScript, new
        {
            conns = _conns, userConns = UserConnsKey(userId), pending = PendingOffline, online = Online,
            connection = field, user = userId, member = Member(_instance, field), max = maxConnections,
        });
        if (outcome == 1) _changes.Enqueue(new PresenceDelta(userId, true, null));
        return outcome;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var heartbeat = Loop(_options.Heartbeat, HeartbeatAsync, stoppingToken);
        var due = Loop(TimeSpan.FromSeconds(1), TakeDueUsersOfflineAsync, stoppingToken);
        var flush = Loop(_options.BatchInterval, FlushChangesAsync, stoppingToken);
        await Task.WhenAll(heartbeat, due, flush);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // A graceful stop: let the other replicas sweep this one now rather than after the expiry.
        await _redis.GetDatabase().KeyDeleteAsync(_alive);
    }

    private async Task Loop(TimeSpan interval, Func<Task> work, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            do
            {
                try
                {
                    await work();
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException or MongoDB.Driver.MongoException)
                {
                    _logger.LogWarning(ex, "Presence work failed; retrying on the next tick.");
                }
            } while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    private async Task HeartbeatAsync()
    {
        var db = _redis.GetDatabase();
        if (!await db.StringSetAsync(_alive, 1, _options.Expiry, When.Exists))
        {
            // First beat, or Redis lost its data (a restart): register this replica and every
            // connection it holds again, so presence recovers by itself.
            await db.StringSetAsync(_alive, 1, _options.Expiry);
            await db.SetAddAsync(Replicas, _instance);
            foreach (var (connectionId, userId, sessionId) in _localConnections.Connections) await RegisterAsync(Field(sessionId, connectionId), userId);
        }
        await SweepDeadReplicasAsync(db);
        _telemetry.OnlineUsersCounted(await db.SetLengthAsync(Online));
    }

    private async Task SweepDeadReplicasAsync(IDatabase db)
    {
        foreach (var replica in await db.SetMembersAsync(Replicas))
        {
            string instance = replica!;
            if (instance == _instance || await db.KeyExistsAsync(AliveKey(instance))) continue;
            // One sweeper per dead replica, whichever replica gets here first.
            if (!await db.StringSetAsync($"{Prefix}sweep:{instance}", _instance, TimeSpan.FromSeconds(30), When.NotExists)) continue;

            var connections = await db.HashGetAllAsync(ConnsKey(instance));
            foreach (var entry in connections)
            {
                await db.SetRemoveAsync(UserConnsKey(entry.Value!), Member(instance, entry.Name!));
            }
            await db.KeyDeleteAsync(ConnsKey(instance));
            await db.SetRemoveAsync(Replicas, instance);
            _logger.LogInformation("Replica {Instance} stopped renewing; removed its {Count} connections.", instance, connections.Length);

            foreach (var userId in connections.Select(c => (string)c.Value!).Distinct())
            {
                await GoOfflineIfNoConnectionAsync(db, userId);
            }
        }
    }

    private async Task TakeDueUsersOfflineAsync()
    {
        var db = _redis.GetDatabase();
        var due = await db.SortedSetRangeByScoreAsync(PendingOffline, double.NegativeInfinity, _time.GetUtcNow().ToUnixTimeMilliseconds());
        foreach (var userId in due) await GoOfflineIfNoConnectionAsync(db, userId!);
    }

    private async Task GoOfflineIfNoConnectionAsync(IDatabase db, string userId)
    {
        var wentOffline = (long)await db.ScriptEvaluateAsync(GoOfflineScript, new
        {
            pending = PendingOffline, userConns = UserConnsKey(userId), online = Online, user = userId,
        });
        if (wentOffline != 1) return;
        var lastSeenAt = _time.GetUtcNow().UtcDateTime;
        // Kept in MongoDB: it outlives a Redis restart.
        await _users.SetLastSeenAsync(userId, lastSeenAt, CancellationToken.None);
        _changes.Enqueue(new PresenceDelta(userId, false, lastSeenAt));
    }

    private async Task FlushChangesAsync()
    {
        if (_changes.IsEmpty && _unsent is null) return;
        var batch = _unsent ?? new Dictionary<string, PresenceDelta>();
        _unsent = null;
        while (_changes.TryDequeue(out var change)) batch[change.UserId] = change; // the latest state per user

        // A user's presence is shown to their audience (everyone, unless their privacy says
        // otherwise), never to the people a block separates them from (either way).
        Dictionary<string, HashSet<string>> separated;
        Dictionary<string, IReadOnlySet<string>?> audiences;
        using var deadline = new CancellationTokenSource(DependencyFailures.RequestTimeout);
        try
        {
            separated = await _blocks.SeparatedFromAsync(batch.Keys, deadline.Token);
            audiences = await _audience.OfManyAsync(batch.Keys, deadline.Token);
        }
        catch (Exception ex) when (DependencyFailures.IsUnavailable(ex) || (ex is OperationCanceledException && deadline.IsCancellationRequested))
        {
            // Not knowing who may see, nobody sees yet: sent on a later flush.
            _unsent = batch;
            _logger.LogWarning(ex, "Presence changes held back: blocks or privacy choices could not be read.");
            return;
        }
        var toEveryone = batch.Values.Where(c => audiences[c.UserId] is null).ToList();
        var open = toEveryone.Where(c => !separated.ContainsKey(c.UserId)).ToList();
        if (open.Count > 0) await _notifier.PresenceChangedAsync(open, hiddenFrom: []);
        foreach (var change in toEveryone.Where(c => separated.ContainsKey(c.UserId)))
        {
            await _notifier.PresenceChangedAsync([change], hiddenFrom: await ConnectionsOfAsync(separated[change.UserId]));
        }
        foreach (var change in batch.Values.Where(c => audiences[c.UserId] is not null))
        {
            var audience = audiences[change.UserId]!.Except(separated.GetValueOrDefault(change.UserId) ?? []).ToList();
            if (_restated.TryRemove(change.UserId, out _))
            {
                await _notifier.PresenceChangedAsync([change with { Online = false, LastSeenAt = null }], hiddenFrom: await ConnectionsOfAsync(audience));
            }
            await _notifier.PresenceChangedToAsync([change], audience);
        }
        foreach (var change in toEveryone) _restated.TryRemove(change.UserId, out _);
        _telemetry.Changes.Add(batch.Count);
    }

    private async Task<List<string>> ConnectionsOfAsync(IEnumerable<string> userIds)
    {
        var db = _redis.GetDatabase();
        var members = await Task.WhenAll(userIds.Select(id => db.SetMembersAsync(UserConnsKey(id))));
        return members.SelectMany(m => m).Select(ConnectionIdOf).ToList();
    }
}

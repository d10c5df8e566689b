using System.Diagnostics.Metrics;
using Chat.Api.Accounts;
using Chat.Api.Blocking;
using Chat.Api.Contracts;
using Chat.Api.Groups;
using Chat.Api.Hubs;
using Chat.Api.Identity;
using Chat.Api.Infrastructure;
using Chat.Api.Infrastructure.MongoDB;
using Chat.Api.Messaging;
using Chat.Api.Presence;
using Chat.Api.Privacy;
using Chat.Api.Realtime;
using Chat.Api.Security;
using Chat.Tests.Support;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MongoDB.Bson;
using MongoDB.Driver;
using StackExchange.Redis;

namespace Chat.Tests.Integration;

/// <summary>
/// What Chat keeps in Redis, against a three-node Redis Cluster (as Azure Managed Redis runs by
/// default): every command that touches several keys keeps them in one hash slot, or the cluster
/// refuses it (CROSSSLOT).
/// </summary>
public sealed class RedisClusterTests : IAsyncLifetime
{
    private RedisClusterProcess _cluster = null!;
    private ConnectionMultiplexer _redis = null!;
    private MongoStandInProcess _mongo = null!;
    private IMongoDatabase _database = null!;
    private ServiceProvider _services = null!;

    [Fact]
    public async Task The_cluster_refuses_a_script_over_keys_of_two_slots_so_the_tests_below_can_fail()
    {
        // StackExchange.Redis refuses it before sending (the server would answer CROSSSLOT).
        var error = await Assert.ThrowsAsync<RedisCommandException>(() => _redis.GetDatabase().ScriptEvaluateAsync(
            "redis.call('SET', KEYS[1], 1) return redis.call('SET', KEYS[2], 1)", ["chat:a:1", "chat:b:2"]));
        Assert.Contains("slot", error.Message);
    }

    [Fact]
    public async Task Presence_registers_counts_and_sweeps_connections_on_a_cluster()
    {
        var registry = _services.GetRequiredService<ConnectionRegistry>();
        var options = Options.Create(new PresenceOptions { Heartbeat = TimeSpan.FromMilliseconds(200), Expiry = TimeSpan.FromSeconds(1), OfflineGrace = TimeSpan.Zero });
        var tracker = new PresenceTracker(_redis, _services.GetRequiredService<ChatNotifier>(), new UserStore(_database),
            new BlockList(new BlockStore(_database), new UserStore(_database), _redis, TimeProvider.System),
            _services.GetRequiredService<PresenceAudience>(), new ApiInstance($"api-{Guid.NewGuid():N}"[..16]),
            registry, options, new PresenceTelemetry(_services.GetRequiredService<IMeterFactory>(), registry), TimeProvider.System, NullLogger<PresenceTracker>.Instance);
        var user = ObjectId.GenerateNewId().ToString();
        await tracker.StartAsync(default);
        try
        {
            Assert.True(await tracker.ConnectedAsync("c1", user, "s1", maxConnections: 2));
            Assert.True(await tracker.ConnectedAsync("c2", user, "s1", maxConnections: 2));
            Assert.False(await tracker.ConnectedAsync("c3", user, "s1", maxConnections: 2)); // the cap, checked in the script
            Assert.Contains(user, await tracker.OnlineAmongAsync([user]));

            await tracker.DisconnectedAsync("c1", user, "s1");
            await tracker.DisconnectedAsync("c2", user, "s1");
            await Task.Delay(TimeSpan.FromSeconds(2)); // the due-check takes the user offline (heartbeats and sweeps run meanwhile)
            Assert.DoesNotContain(user, await tracker.OnlineAmongAsync([user]));
        }
        finally
        {
            await tracker.StopAsync(default);
        }
    }

    [Fact]
    public async Task Sessions_are_checked_and_ended_in_one_round_trip_on_a_cluster()
    {
        var users = new UserStore(_database);
        var user = new UserDocument
        {
            Id = ObjectId.GenerateNewId().ToString(), Email = ChatApiClient.NewEmail(), FullName = "C", FullNameKey = "c", NameWords = ["c"],
            PasswordHash = "x", CreatedAt = DateTime.UtcNow, SessionStamp = UserStore.NewSessionStamp(),
        };
        Assert.True(await users.TryCreateAsync(user, default));
        var sessions = new Sessions(_redis, users, new SessionStore(_database), TimeProvider.System);
        var expires = DateTimeOffset.UtcNow.AddHours(1);

        Assert.True(await sessions.IsCurrentAsync(user.Id, user.SessionStamp, "s1", expires, default));
        await sessions.EndAsync(user.Id, "s1", expires, default);
        Assert.False(await sessions.IsCurrentAsync(user.Id, user.SessionStamp, "s1", expires, default));
        Assert.True(await sessions.IsCurrentAsync(user.Id, user.SessionStamp, "s2", expires, default));
    }

    [Fact]
    public async Task Rate_limits_and_the_log_in_throttle_count_on_a_cluster()
    {
        var limits = new RateLimitOptions { Send = new RateLimit { PermitLimit = 2, Window = TimeSpan.FromMinutes(1) } };
        using var limiter = System.Threading.RateLimiting.PartitionedRateLimiter.Create<string, string>(user => RateLimits.Partition(_redis, limits, RateLimits.Send, user));
        var granted = new List<bool>();
        for (var i = 0; i < 3; i++)
        {
            using var lease = await limiter.AcquireAsync("someone");
            granted.Add(lease.IsAcquired);
        }
        Assert.Equal([true, true, false], granted);

        var throttle = new LoginThrottle(_redis);
        var attempt = await throttle.BeginAsync(ChatApiClient.NewEmail(), "10.0.0.1");
        Assert.Null(attempt.RetryAfter);
        await throttle.SucceededAsync(attempt);
    }

    public async Task InitializeAsync()
    {
        _cluster = await RedisClusterProcess.StartAsync();
        _redis = await ConnectionMultiplexer.ConnectAsync(_cluster.ConnectionString);
        MongoDatabaseRegistration.RegisterConventions();
        _mongo = await MongoStandInProcess.StartAsync();
        _database = new MongoClient(_mongo.ConnectionString()).GetDatabase($"cluster_{Guid.NewGuid():N}");
        var services = new ServiceCollection().AddLogging().AddMetrics();
        services.AddSignalR();
        services.AddSingleton<IHostApplicationLifetime, ApplicationLifetimeStub>();
        services.AddSingleton(provider => provider.GetRequiredService<IHubContext<ChatHub, IChatClient>>().Clients);
        services.AddSingleton<ChatNotifier>();
        // What presence asks of privacy: the choices and "my conversations".
        services.AddSingleton(provider => provider.GetRequiredService<IHubContext<ChatHub, IChatClient>>().Groups);
        services.AddSingleton<IConnectionMultiplexer>(_redis);
        services.AddSingleton(_database);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ConnectionRegistry>();
        services.AddSingleton<UserStore>();
        services.AddSingleton<MessageStore>();
        services.AddSingleton<GroupStore>();
        services.AddSingleton<GroupConnections>();
        services.AddSingleton<GroupMembers>();
        services.AddSingleton<PrivacySettings>();
        services.AddSingleton<ConversationTies>();
        services.AddSingleton<PresenceAudience>();
        _services = services.BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _redis.DisposeAsync();
        await _cluster.DisposeAsync();
        await _mongo.DisposeAsync();
    }

    // A host that never stops (the tests stop the tracker themselves).
    private sealed class ApplicationLifetimeStub : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;
        public CancellationToken ApplicationStopping => CancellationToken.None;
        public CancellationToken ApplicationStopped => CancellationToken.None;
        public void StopApplication() { }
    }
}

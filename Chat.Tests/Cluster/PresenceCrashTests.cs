using System.Diagnostics;
using System.Net.Http.Json;
using Chat.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Chat.Tests.Cluster;

/// <summary>A cluster of its own, with a short presence expiry, whose replica a test may kill.</summary>
public sealed class CrashClusterFixture(IMessageSink diagnostics) : ClusterFixture(diagnostics)
{
    public static readonly TimeSpan Expiry = TimeSpan.FromSeconds(6);
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(2);

    protected override void ConfigureApi(IResourceBuilder<ProjectResource> api) => api
        .WithEnvironment("Presence__Expiry", Expiry.ToString())
        .WithEnvironment("Presence__Heartbeat", Heartbeat.ToString());
}

// Alone: killing a replica must not disturb the other collection's tests, nor the CPU they time.
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CrashClusterCollection : ICollectionFixture<CrashClusterFixture>
{
    public const string Name = "cluster-crash";
}

[Collection(CrashClusterCollection.Name)]
public class PresenceCrashTests(CrashClusterFixture cluster, ITestOutputHelper output)
{
    [Fact]
    public async Task Killing_a_replica_takes_offline_only_its_users_without_another_connection_then_it_recovers()
    {
        var victim = cluster.ApiReplicas[0];
        var survivor = cluster.ApiReplicas[1];
        using var watcherHttp = ChatApiClient.For(survivor);
        await watcherHttp.NewUserAsync("Watcher");
        await using var watcher = await LiveClient.ConnectAsync(survivor, watcherHttp.SessionToken!);
        using var lonelyHttp = ChatApiClient.For(survivor);
        var lonely = await lonelyHttp.NewUserAsync($"Lonely {Guid.NewGuid():N}");
        using var twoPlacesHttp = ChatApiClient.For(survivor);
        var twoPlaces = await twoPlacesHttp.NewUserAsync($"Twice {Guid.NewGuid():N}");

        var lonelyConnection = await LiveClient.ConnectAsync(victim, lonelyHttp.SessionToken!);
        var twoPlacesOnVictim = await LiveClient.ConnectAsync(victim, twoPlacesHttp.SessionToken!);
        await using var twoPlacesOnSurvivor = await LiveClient.ConnectAsync(survivor, twoPlacesHttp.SessionToken!);
        foreach (var user in new[] { lonely, twoPlaces })
        {
            await watcher.WaitForAsync<List<PresenceDto>>("PresenceChanged", b => b.Any(d => d.UserId == user.Id && d.Online));
        }

        // Not a graceful stop: the process dies and its disconnect handlers never run.
        var victimProcess = await Chat.LoadTest.Measurement.ApiProcesses.FindByInstanceAsync(lonelyConnection.Replica);
        victimProcess.Kill();
        var killedAt = Stopwatch.StartNew();
        await watcher.WaitForAsync<List<PresenceDto>>("PresenceChanged", b => b.Any(d => d.UserId == lonely.Id && !d.Online),
            TimeSpan.FromSeconds(30));
        var tookOffline = killedAt.Elapsed;
        output.WriteLine($"Replica killed → its user shown offline in {tookOffline.TotalSeconds:F1} s (expiry {CrashClusterFixture.Expiry.TotalSeconds} s, heartbeat {CrashClusterFixture.Heartbeat.TotalSeconds} s)");

        Assert.True(tookOffline <= CrashClusterFixture.Expiry + CrashClusterFixture.Heartbeat + TimeSpan.FromSeconds(3), $"took {tookOffline}");
        Assert.DoesNotContain(watcher.All<List<PresenceDto>>("PresenceChanged").SelectMany(b => b), d => d.UserId == twoPlaces.Id && !d.Online);
        Assert.True((await watcherHttp.ContactAsync(twoPlaces)).Online);
        Assert.False((await watcherHttp.ContactAsync(lonely)).Online);
        await lonelyConnection.DisposeAsync();
        await twoPlacesOnVictim.DisposeAsync();

        // The replica comes back (the dashboard's Start command) and everything converges.
        var replicaId = cluster.ReplicaResourceId(victim);
        await cluster.CommandAsync(replicaId, KnownResourceCommands.StartCommand);
        var restarted = await cluster.NewInstanceAnsweringAsync(replicaId, lonelyConnection.Replica, TimeSpan.FromSeconds(90));
        output.WriteLine($"Replica {replicaId} restarted and healthy {killedAt.Elapsed.TotalSeconds:F1} s after the kill");

        await using var lonelyBack = await LiveClient.ConnectAsync(restarted, lonelyHttp.SessionToken!);
        Assert.NotEqual(lonelyConnection.Replica, lonelyBack.Replica);
        await watcher.WaitForAsync<List<PresenceDto>>("PresenceChanged", b => b.Any(d => d.UserId == lonely.Id && d.Online));
        Assert.True((await watcherHttp.ContactAsync(lonely)).Online);
        Assert.True((await watcherHttp.ContactAsync(twoPlaces)).Online);
    }


}

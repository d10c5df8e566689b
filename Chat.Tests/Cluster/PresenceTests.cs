using System.Net.Http.Json;
using Chat.Tests.Support;

namespace Chat.Tests.Cluster;

/// <summary>Presence across tabs and replicas, with real SignalR clients (crashes: PresenceCrashTests).</summary>
[Collection(ClusterCollection.Name)]
public class PresenceTests(ClusterFixture cluster)
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(2); // ClusterFixture's Presence__OfflineGrace
    private Uri ReplicaA => cluster.ApiReplicas[0];
    private Uri ReplicaB => cluster.ApiReplicas[1];

    private static IEnumerable<PresenceDto> Deltas(LiveClient watcher, string userId) =>
        watcher.All<List<PresenceDto>>("PresenceChanged").SelectMany(batch => batch).Where(d => d.UserId == userId);


    [Fact]
    public async Task A_user_with_tabs_on_two_replicas_stays_online_until_the_last_closes_then_goes_offline_once()
    {
        using var watcherHttp = ChatApiClient.For(ReplicaA);
        await watcherHttp.NewUserAsync("Watcher");
        await using var watcher = await LiveClient.ConnectAsync(ReplicaB, watcherHttp.SessionToken!);
        using var userHttp = ChatApiClient.For(ReplicaA);
        var user = await userHttp.NewUserAsync($"Tabby {Guid.NewGuid():N}");

        var tab1 = await LiveClient.ConnectAsync(ReplicaA, userHttp.SessionToken!);
        var tab2 = await LiveClient.ConnectAsync(ReplicaB, userHttp.SessionToken!);
        await watcher.WaitForAsync<List<PresenceDto>>("PresenceChanged", b => b.Any(d => d.UserId == user.Id && d.Online));
        Assert.True((await watcherHttp.ContactAsync(user)).Online);

        await tab1.DisposeAsync();
        await Task.Delay(Grace + TimeSpan.FromSeconds(2));
        Assert.DoesNotContain(Deltas(watcher, user.Id), d => !d.Online);
        Assert.True((await watcherHttp.ContactAsync(user)).Online);

        var closedAt = DateTime.UtcNow;
        await tab2.DisposeAsync();
        var offline = await watcher.WaitForAsync<List<PresenceDto>>("PresenceChanged", b => b.Any(d => d.UserId == user.Id && !d.Online));
        await Task.Delay(500);

        Assert.Single(Deltas(watcher, user.Id), d => !d.Online);
        Assert.Single(Deltas(watcher, user.Id), d => d.Online);
        var lastSeen = offline.Single(d => d.UserId == user.Id).LastSeenAt!.Value;
        Assert.InRange(lastSeen, closedAt.AddSeconds(-1), DateTime.UtcNow.AddSeconds(1));
        var contact = await watcherHttp.ContactAsync(user);
        Assert.False(contact.Online);
        Assert.Equal(lastSeen, contact.LastSeenAt!.Value, TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task A_reload_within_the_grace_period_does_not_flap()
    {
        using var watcherHttp = ChatApiClient.For(ReplicaB);
        await watcherHttp.NewUserAsync("Watcher");
        await using var watcher = await LiveClient.ConnectAsync(ReplicaA, watcherHttp.SessionToken!);
        using var userHttp = ChatApiClient.For(ReplicaA);
        var user = await userHttp.NewUserAsync($"Reloader {Guid.NewGuid():N}");
        var page = await LiveClient.ConnectAsync(ReplicaA, userHttp.SessionToken!);
        await watcher.WaitForAsync<List<PresenceDto>>("PresenceChanged", b => b.Any(d => d.UserId == user.Id && d.Online));

        await page.DisposeAsync();
        await Task.Delay(300); // the browser reloads
        await using var reloaded = await LiveClient.ConnectAsync(ReplicaB, userHttp.SessionToken!);
        await Task.Delay(Grace + TimeSpan.FromSeconds(2));

        Assert.Equal([true], Deltas(watcher, user.Id).Select(d => d.Online));
        Assert.True((await watcherHttp.ContactAsync(user)).Online);
    }

    [Fact]
    public async Task Five_hundred_connects_arrive_as_a_few_batched_deltas_covering_exactly_those_users()
    {
        using var watcherHttp = ChatApiClient.For(ReplicaA);
        await watcherHttp.NewUserAsync("Watcher");
        await using var watcher = await LiveClient.ConnectAsync(ReplicaB, watcherHttp.SessionToken!);
        var users = await DirectUsers.CreateAsync(
            await cluster.ConnectionStringAsync("chatdb"), await cluster.SigningKeyAsync(), 500, $"Crowd {Guid.NewGuid():N}");
        var ids = users.Select(u => u.Id).ToHashSet();

        var connections = new List<LiveClient>();
        try
        {
            foreach (var chunk in users.Chunk(50))
            {
                connections.AddRange(await Task.WhenAll(chunk.Select((u, i) =>
                    LiveClient.ConnectAsync(i % 2 == 0 ? ReplicaA : ReplicaB, u.Token))));
            }
            await watcher.WaitForAsync<List<PresenceDto>>("PresenceChanged", _ =>
                ids.IsSubsetOf(watcher.All<List<PresenceDto>>("PresenceChanged").SelectMany(b => b).Where(d => d.Online).Select(d => d.UserId)),
                TimeSpan.FromSeconds(30));

            var batches = watcher.All<List<PresenceDto>>("PresenceChanged").Where(b => b.Any(d => ids.Contains(d.UserId))).ToList();
            var announced = batches.SelectMany(b => b).Where(d => ids.Contains(d.UserId)).ToList();
            Assert.Equal(ids.Order(), announced.Select(d => d.UserId).Order()); // each exactly once
            Assert.All(announced, d => Assert.True(d.Online));
            Assert.InRange(batches.Count, 1, 50);
        }
        finally
        {
            await Task.WhenAll(connections.Select(c => c.DisposeAsync().AsTask()));
        }
    }
}

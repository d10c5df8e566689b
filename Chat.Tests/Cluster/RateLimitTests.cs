using System.Net;
using System.Net.Http.Json;
using Chat.Tests.Support;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Chat.Tests.Cluster;

/// <summary>A cluster with the default limits (the main test cluster raises them, as a load test does).</summary>
public sealed class LimitsClusterFixture(IMessageSink diagnostics) : ClusterFixture(diagnostics)
{
    protected override IEnumerable<string> RaisedRateLimits => [];
}

[CollectionDefinition(Name)]
public sealed class LimitsClusterCollection : ICollectionFixture<LimitsClusterFixture>
{
    public const string Name = "cluster-limits";
}

/// <summary>The abuse limits at their defaults, across both replicas, over REST and the hub.</summary>
[Collection(LimitsClusterCollection.Name)]
public class RateLimitTests(LimitsClusterFixture cluster)
{
    [Fact]
    public async Task A_hundred_sign_ups_an_hour_from_one_address_then_429_with_retry_after_while_other_addresses_sign_up()
    {
        var address = ChatApiClient.NewClientAddress();
        await Parallel.ForAsync(0, 100, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
        {
            using var client = ChatApiClient.For(cluster.ApiReplicas[i % 2], address);
            using var response = await client.SignUpAsync(ChatApiClient.NewEmail("flood"));
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        });

        using var refused = ChatApiClient.For(cluster.ApiReplicas[0], address);
        using var over = await refused.SignUpAsync(ChatApiClient.NewEmail("flood"));
        using var elsewhere = ChatApiClient.For(cluster.ApiReplicas[0], ChatApiClient.NewClientAddress());
        using var other = await elsewhere.SignUpAsync(ChatApiClient.NewEmail("someone"));

        AssertTooMany(over);
        Assert.Equal(HttpStatusCode.Created, other.StatusCode);
    }

    [Fact]
    public async Task Sends_over_rest_and_the_hub_share_one_budget_then_429_or_a_hub_exception_and_the_connection_stays()
    {
        using var ann = ChatApiClient.For(cluster.ApiReplicas[0], ChatApiClient.NewClientAddress());
        await ann.NewUserAsync("Ann");
        using var ben = ChatApiClient.For(cluster.ApiReplicas[1], ChatApiClient.NewClientAddress());
        var benUser = await ben.NewUserAsync("Ben");
        await using var annLive = await LiveClient.ConnectAsync(cluster.ApiReplicas[1], ann.SessionToken!);

        for (var i = 0; i < 60; i++)
        {
            var (response, _) = await ann.SendAsync(benUser.Id, $"rest {i}");
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            response.Dispose();
            await annLive.Connection.InvokeAsync<MessageDto>("SendMessage", benUser.Id, new { clientMessageId = Guid.NewGuid().ToString(), text = $"hub {i}" });
        }

        var (overRest, _) = await ann.SendAsync(benUser.Id, "one too many");
        var overHub = await Assert.ThrowsAsync<HubException>(() =>
            annLive.Connection.InvokeAsync<MessageDto>("SendMessage", benUser.Id, new { clientMessageId = Guid.NewGuid().ToString(), text = "one too many" }));

        AssertTooMany(overRest);
        Assert.Contains("Too many requests", overHub.Message);
        Assert.Equal(HubConnectionState.Connected, annLive.Connection.State);
        Assert.Equal(120, (await ben.HistoryAsync((await ann.Http.GetFromJsonAsync<UserDto>("/api/auth/me", ChatApiClient.Json))!.Id, "limit=200")).Items.Count);
    }

    [Fact]
    public async Task Settings_changes_push_devices_and_mutes_share_sixty_a_minute_then_429()
    {
        using var ann = ChatApiClient.For(cluster.ApiReplicas[0], ChatApiClient.NewClientAddress());
        await ann.NewUserAsync("Ann");
        using var ben = ChatApiClient.For(cluster.ApiReplicas[1], ChatApiClient.NewClientAddress());
        var benUser = await ben.NewUserAsync("Ben");

        for (var i = 0; i < 30; i++)
        {
            Assert.Equal(HttpStatusCode.NoContent, await ann.MuteAsync(benUser.Id, muted: i % 2 == 0));
            using var unsubscribe = new HttpRequestMessage(HttpMethod.Delete, "/api/push/subscriptions") { Content = JsonContent.Create(new { endpoint = $"https://fcm.googleapis.com/fcm/send/{i}" }) };
            using var response = await ann.Http.SendAsync(unsubscribe);
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        using var over = await ann.Http.PutAsync($"/api/conversations/{benUser.Id}/mute", null);
        AssertTooMany(over);
    }

    [Fact]
    public async Task A_user_may_hold_twenty_hub_connections_across_replicas_and_no_more()
    {
        using var user = ChatApiClient.For(cluster.ApiReplicas[0], ChatApiClient.NewClientAddress());
        await user.NewUserAsync("Many Tabs");
        var tabs = new List<LiveClient>();
        try
        {
            for (var i = 0; i < 20; i++) tabs.Add(await LiveClient.ConnectAsync(cluster.ApiReplicas[i % 2], user.SessionToken!));

            await Assert.ThrowsAnyAsync<Exception>(() => LiveClient.ConnectAsync(cluster.ApiReplicas[0], user.SessionToken!));
            // A client's limit is logged as a refusal, not as an error of ours.
            var log = await ConsoleOfAsync(cluster.ReplicaResourceId(cluster.ApiReplicas[0]), "Connection refused: Too many open connections");
            Assert.Contains(log, line => line.Contains("Connection refused: Too many open connections", StringComparison.Ordinal));
            Assert.DoesNotContain(log, line => line.Contains("Error when dispatching", StringComparison.Ordinal));

            // A closed tab frees its place (once the server has seen it close).
            await tabs[0].DisposeAsync();
            tabs.RemoveAt(0);
            var deadline = DateTime.UtcNow.AddSeconds(5);
            while (true)
            {
                try
                {
                    tabs.Add(await LiveClient.ConnectAsync(cluster.ApiReplicas[1], user.SessionToken!));
                    break;
                }
                // Refused at the cap until the server has seen the tab close: the refusal reaches
                // the client as a HubException or as the connection closing, by timing.
                catch (Exception ex) when (ex is HubException or InvalidOperationException && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(100);
                }
            }
        }
        finally
        {
            foreach (var tab in tabs) await tab.DisposeAsync();
        }
    }

    [Fact]
    public async Task Directory_searches_are_limited_per_user()
    {
        using var user = ChatApiClient.For(cluster.ApiReplicas[0], ChatApiClient.NewClientAddress());
        await user.NewUserAsync("Searcher");

        for (var i = 0; i < 120; i++)
        {
            using var page = await user.Http.GetAsync($"/api/users?q=s{i}");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }
        using var over = await user.Http.GetAsync("/api/users?q=again");

        AssertTooMany(over);
    }

    [Fact]
    public async Task Twenty_groups_an_hour_per_user_then_429_and_sixty_adds_a_minute()
    {
        using var owner = ChatApiClient.For(cluster.ApiReplicas[0]);
        await owner.NewUserAsync("Group Flood");
        using var other = ChatApiClient.For(cluster.ApiReplicas[1]);
        var friend = await other.NewUserAsync("Group Friend");
        string groupId = "";
        for (var i = 0; i < 20; i++) groupId = await owner.NewGroupAsync($"group {i}");
        using (var over = await owner.Http.PostAsJsonAsync("/api/groups", new { name = "one more", memberIds = Array.Empty<string>() }))
        {
            AssertTooMany(over);
        }

        for (var i = 0; i < 60; i++) Assert.Equal(HttpStatusCode.OK, await owner.AddMembersAsync(groupId, friend.Id)); // already in after the first
        using var tooMany = await owner.Http.PostAsJsonAsync($"/api/groups/{groupId}/members", new { userIds = new[] { friend.Id } });
        AssertTooMany(tooMany);
    }

    /// <summary>The replica's console output so far, once a line holds <paramref name="awaited"/> (or after 10 s).</summary>
    private async Task<List<string>> ConsoleOfAsync(string resourceId, string awaited)
    {
        var lines = new List<string>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await foreach (var batch in cluster.App.Services.GetRequiredService<ResourceLoggerService>().WatchAsync(resourceId).WithCancellation(stop.Token))
            {
                lines.AddRange(batch.Select(l => l.Content));
                if (lines.Any(l => l.Contains(awaited, StringComparison.Ordinal))) break;
            }
        }
        catch (OperationCanceledException)
        {
            // What came within the time.
        }
        return lines;
    }

    private static void AssertTooMany(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.InRange(int.Parse(Assert.Single(response.Headers.GetValues("Retry-After"))), 1, 3600);
    }
}

using System.Net;
using System.Net.Http.Json;
using Chat.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Tests.Cluster;

/// <summary>
/// Devices and sessions (API 1.3): each sign-in is a device the user can see and end, at once on
/// every replica and for good (the truth is in MongoDB: a Redis restart forgets nothing), and a
/// password change ends every other session.
/// </summary>
[Collection(ClusterCollection.Name)]
public class SessionsTests(ClusterFixture cluster)
{
    private const string Laptop = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    private const string Phone = "Mozilla/5.0 (Android 15; Mobile; rv:132.0) Gecko/132.0 Firefox/132.0";

    private static ChatApiClient Device(Uri replica, string userAgent)
    {
        var client = ChatApiClient.For(replica, ChatApiClient.NewClientAddress());
        client.Http.DefaultRequestHeaders.UserAgent.ParseAdd(userAgent);
        return client;
    }

    private static async Task<ChatApiClient> LogInAsync(Uri replica, string userAgent, string email, string password = "correct horse")
    {
        var device = Device(replica, userAgent);
        using var login = await device.LogInAsync(email, password);
        login.EnsureSuccessStatusCode();
        return device;
    }

    private static async Task<List<SessionDto>> SessionsAsync(ChatApiClient client) =>
        (await client.Http.GetFromJsonAsync<List<SessionDto>>("/api/auth/sessions", ChatApiClient.Json))!;

    private static async Task<HttpStatusCode> MeAsync(ChatApiClient client)
    {
        using var me = await client.Http.GetAsync("/api/auth/me");
        return me.StatusCode;
    }

    [Fact]
    public async Task Each_device_is_listed_and_one_ended_on_one_replica_is_signed_out_on_the_other_at_once()
    {
        using var laptop = Device(cluster.ApiReplicas[0], Laptop);
        var user = await laptop.NewUserAsync("Ann Devices");
        using var phone = await LogInAsync(cluster.ApiReplicas[1], Phone, user.Email);
        await using var phoneTab = await LiveClient.ConnectAsync(cluster.ApiReplicas[1], phone.SessionToken!);

        var seen = await SessionsAsync(laptop);
        Assert.Equal(["Chrome on Linux", "Firefox on Android"], seen.Select(s => s.Device).Order());
        var mine = Assert.Single(seen, s => s.Current);
        Assert.Equal("Chrome on Linux", mine.Device);
        Assert.All(seen, s => Assert.Matches(@"^\d+\.\d+\.\d+\.0/24$", s.Place!)); // the network, not the address
        var phoneSession = seen.Single(s => !s.Current);

        using (var ended = await laptop.Http.DeleteAsync($"/api/auth/sessions/{phoneSession.Id}")) Assert.Equal(HttpStatusCode.NoContent, ended.StatusCode);

        // At once, on the other replica: its requests and its open connection.
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(phone));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (phoneTab.Connection.State != HubConnectionState.Disconnected && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.Equal(HubConnectionState.Disconnected, phoneTab.Connection.State);
        Assert.Equal([mine.Id], (await SessionsAsync(laptop)).Select(s => s.Id));
        Assert.Equal(HttpStatusCode.OK, await MeAsync(laptop));

        // Once only, and only one's own.
        using (var again = await laptop.Http.DeleteAsync($"/api/auth/sessions/{phoneSession.Id}")) Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        using var stranger = Device(cluster.ApiReplicas[1], Phone);
        await stranger.NewUserAsync("Ben Stranger");
        using (var theirs = await stranger.Http.DeleteAsync($"/api/auth/sessions/{mine.Id}")) Assert.Equal(HttpStatusCode.NotFound, theirs.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await MeAsync(laptop));
    }

    [Fact]
    public async Task A_session_ended_or_logged_out_stays_ended_after_Redis_restarts()
    {
        using var laptop = Device(cluster.ApiReplicas[0], Laptop);
        var user = await laptop.NewUserAsync("Ann Restart");
        using var phone = await LogInAsync(cluster.ApiReplicas[1], Phone, user.Email);
        using var tablet = await LogInAsync(cluster.ApiReplicas[0], Phone, user.Email);
        var phoneId = (await SessionsAsync(phone)).Single(s => s.Current).Id;
        using (var ended = await laptop.Http.DeleteAsync($"/api/auth/sessions/{phoneId}")) Assert.Equal(HttpStatusCode.NoContent, ended.StatusCode);
        // A copy of the tablet's cookie, kept by someone, outlives nothing when the tablet logs out.
        using var copied = ChatApiClient.For(cluster.ApiReplicas[1]).WithSession(tablet.SessionToken!);
        using (var logout = await tablet.Http.PostAsync("/api/auth/logout", null)) Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);

        var redis = cluster.ResourceId("redis");
        await cluster.StopAsync(redis);
        await cluster.CommandAsync(redis, KnownResourceCommands.StartCommand);
        await cluster.WaitUntilHealthyAsync(redis, TimeSpan.FromSeconds(60));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (await MeAsync(laptop) != HttpStatusCode.OK && DateTime.UtcNow < deadline) await Task.Delay(200);

        Assert.Equal(HttpStatusCode.OK, await MeAsync(laptop));
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(phone));
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(copied));
        Assert.Single(await SessionsAsync(laptop));
    }

    [Fact]
    public async Task Changing_the_password_needs_the_current_one_refuses_common_ones_and_ends_every_other_session()
    {
        using var laptop = Device(cluster.ApiReplicas[0], Laptop);
        var user = await laptop.NewUserAsync("Ann Password");
        using var phone = await LogInAsync(cluster.ApiReplicas[1], Phone, user.Email);
        await using var phoneTab = await LiveClient.ConnectAsync(cluster.ApiReplicas[1], phone.SessionToken!);
        await using var laptopTab = await LiveClient.ConnectAsync(cluster.ApiReplicas[1], laptop.SessionToken!);

        async Task<(HttpStatusCode Status, ProblemDto? Problem)> ChangeAsync(string current, string next)
        {
            using var response = await laptop.Http.PutAsJsonAsync("/api/auth/password", new { currentPassword = current, newPassword = next });
            return (response.StatusCode, response.IsSuccessStatusCode ? null : await response.Content.ReadFromJsonAsync<ProblemDto>(ChatApiClient.Json));
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await ChangeAsync("wrong horse", "a brand new secret")).Status);
        foreach (var weak in new[] { "short", "Password123", "qwertyuiop", new string('x', 129) })
        {
            var (status, problem) = await ChangeAsync("correct horse", weak);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Equal(["newPassword"], problem!.Errors!.Keys);
        }
        Assert.Equal(HttpStatusCode.OK, await MeAsync(phone)); // nothing changed yet

        var before = laptop.SessionToken;
        Assert.Equal(HttpStatusCode.NoContent, (await ChangeAsync("correct horse", "a brand new secret")).Status);

        // This device goes on (with a fresh cookie) and keeps its connection; every other one has ended.
        Assert.NotEqual(before, laptop.SessionToken);
        Assert.Equal(HttpStatusCode.OK, await MeAsync(laptop));
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(phone));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (phoneTab.Connection.State != HubConnectionState.Disconnected && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.Equal(HubConnectionState.Disconnected, phoneTab.Connection.State);
        Assert.Equal(HubConnectionState.Connected, laptopTab.Connection.State);
        Assert.Single(await SessionsAsync(laptop));

        using var fresh = Device(cluster.ApiReplicas[1], Phone);
        using (var old = await fresh.LogInAsync(user.Email, "correct horse")) Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        using (var @new = await fresh.LogInAsync(user.Email, "a brand new secret")) Assert.Equal(HttpStatusCode.OK, @new.StatusCode);
    }

    [Fact]
    public async Task A_common_password_is_refused_at_sign_up()
    {
        using var client = ChatApiClient.For(cluster.ApiReplicas[0], ChatApiClient.NewClientAddress());
        using var response = await client.SignUpAsync(ChatApiClient.NewEmail(), "Password123");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("common", (await response.Content.ReadFromJsonAsync<ProblemDto>(ChatApiClient.Json))!.Errors!["password"][0]);
    }
}

public sealed record SessionDto(string Id, string Device, DateTime CreatedAt, DateTime LastActiveAt, string? Place, bool Current);

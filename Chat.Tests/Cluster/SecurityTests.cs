using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using Chat.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Tests.Cluster;

/// <summary>
/// What an attacker tries from outside: another origin using the victim's cookie, a copied
/// cookie after log-out, framing and sniffing the pages.
/// </summary>
[Collection(ClusterCollection.Name)]
public class SecurityTests(ClusterFixture cluster)
{
    private Uri Replica => cluster.ApiReplicas[0];
    private string WebOrigin => cluster.WebEndpoint.GetLeftPart(UriPartial.Authority);

    public static TheoryData<string> ForeignOrigins => new()
    {
        "https://evil.example",
        "null",
        "http://localhost:1", // the same host on another port is the same site, but not the same origin
    };

    [Theory]
    [MemberData(nameof(ForeignOrigins))]
    public async Task The_hub_refuses_a_websocket_upgrade_from_a_foreign_origin_even_with_the_victims_cookie(string origin)
    {
        using var victim = ChatApiClient.For(cluster.WebEndpoint);
        await victim.NewUserAsync("Victim");

        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("Cookie", $"chat_session={victim.SessionToken}");
        socket.Options.SetRequestHeader("Origin", origin);
        var hub = new UriBuilder(cluster.WebEndpoint) { Scheme = "ws", Path = "/hubs/chat" }.Uri;

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(hub, CancellationToken.None));
        Assert.Equal(HttpStatusCode.Forbidden, socket.HttpStatusCode);
    }

    [Fact]
    public async Task The_hub_accepts_the_web_fronts_own_origin()
    {
        using var user = ChatApiClient.For(cluster.WebEndpoint);
        await user.NewUserAsync("Local");

        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Cookie", $"chat_session={user.SessionToken}");
        socket.Options.SetRequestHeader("Origin", WebOrigin);
        await socket.ConnectAsync(new UriBuilder(cluster.WebEndpoint) { Scheme = "ws", Path = "/hubs/chat" }.Uri, CancellationToken.None);

        Assert.Equal(WebSocketState.Open, socket.State);
    }

    [Theory]
    [MemberData(nameof(ForeignOrigins))]
    public async Task State_changing_requests_from_a_foreign_origin_are_403_and_change_nothing(string origin)
    {
        using var victim = ChatApiClient.For(cluster.WebEndpoint);
        await victim.NewUserAsync("Victim");
        victim.Http.DefaultRequestHeaders.Add("Origin", origin);

        using var logoutAll = await victim.Http.PostAsync("/api/auth/logout-all", null);
        using var upload = await victim.Http.PostAsync("/api/media", new MultipartFormDataContent
        {
            { new ByteArrayContent(TestImages.Png(10, 10)), "file", "x.png" },
        });
        using var profile = await victim.Http.PutAsJsonAsync("/api/users/me", new { fullName = "Pwned" });

        foreach (var response in new[] { logoutAll, upload, profile })
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        victim.Http.DefaultRequestHeaders.Remove("Origin");
        var me = await victim.Http.GetFromJsonAsync<UserDto>("/api/auth/me", ChatApiClient.Json); // the session lives on
        Assert.Equal("Victim", me!.FullName);
    }

    [Fact]
    public async Task A_cross_site_fetch_without_an_origin_header_is_refused_by_its_fetch_metadata()
    {
        using var victim = ChatApiClient.For(cluster.WebEndpoint);
        await victim.NewUserAsync("Victim");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/logout-all");
        request.Headers.Add("Sec-Fetch-Site", "cross-site");

        using var response = await victim.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await victim.Http.GetAsync("/api/auth/me")).StatusCode);
    }

    [Fact]
    public async Task The_web_apps_own_requests_pass_the_origin_check()
    {
        using var user = ChatApiClient.For(cluster.WebEndpoint);
        user.Http.DefaultRequestHeaders.Add("Origin", WebOrigin);
        user.Http.DefaultRequestHeaders.Add("Sec-Fetch-Site", "same-origin");

        await user.NewUserAsync("Same Origin");
        using var rename = await user.Http.PutAsJsonAsync("/api/users/me", new { fullName = "Renamed" });

        Assert.Equal(HttpStatusCode.OK, rename.StatusCode);
    }

    [Fact]
    public async Task Log_out_ends_that_session_on_every_replica_and_closes_its_hub_connections_but_not_the_users_other_sessions()
    {
        using var laptop = ChatApiClient.For(cluster.ApiReplicas[0]);
        var user = await laptop.NewUserAsync(password: "right password");
        var stolen = laptop.SessionToken!;
        using var phone = ChatApiClient.For(cluster.ApiReplicas[1], ChatApiClient.NewClientAddress());
        Assert.Equal(HttpStatusCode.OK, (await phone.LogInAsync(user.Email, "right password")).StatusCode);
        var laptopLive = await LiveClient.ConnectAsync(cluster.ApiReplicas[1], stolen);
        await using var phoneLive = await LiveClient.ConnectAsync(cluster.ApiReplicas[0], phone.SessionToken!);
        var closed = new TaskCompletionSource();
        laptopLive.Connection.Closed += _ => { closed.TrySetResult(); return Task.CompletedTask; };

        using var logout = await laptop.Http.PostAsync("/api/auth/logout", null);

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        foreach (var replica in cluster.ApiReplicas)
        {
            using var thief = ChatApiClient.For(replica).WithSession(stolen);
            Assert.Equal(HttpStatusCode.Unauthorized, (await thief.Http.GetAsync("/api/auth/me")).StatusCode);
        }
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await Assert.ThrowsAnyAsync<Exception>(() => LiveClient.ConnectAsync(cluster.ApiReplicas[0], stolen));
        Assert.Equal(HttpStatusCode.OK, (await phone.Http.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HubConnectionState.Connected, phoneLive.Connection.State);
        await laptopLive.DisposeAsync();
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/conversations/someone")]
    public async Task Pages_carry_a_content_security_policy_and_refuse_framing_and_sniffing(string path)
    {
        using var web = cluster.CreateWebClient();

        using var response = await web.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", csp);
        Assert.Contains("connect-src 'self'", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.DoesNotContain("unsafe-eval", csp);
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("same-origin", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }
}

using Aspire.Hosting.Testing;
using Chat.Tests.Support;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Chat.Tests.Cluster;

[Collection(ClusterCollection.Name)]
public class ClusterTopologyTests(ClusterFixture cluster)
{
    private const string InstanceHeader = "X-Chat-Instance";

    // The fixture only returns once every resource is healthy, so this checks what the topology
    // is (which resources, how many API replicas), not their health.
    [Fact]
    public void The_cluster_is_the_web_front_two_api_replicas_redis_and_mongodb()
    {
        var states = cluster.Resources.Values.ToList();

        Assert.Equivalent(new[] { "api-1", "api-2", "chatdb", "mongo", "redis", "web" },
            states.Select(r => r.Resource.Name).Distinct().Order().ToArray());
        Assert.Equal(2, cluster.ApiReplicas.Count);
    }

    // Run locally, no orchestrator proxy copies the live frames: the web front and each API
    // replica listen on their endpoint's port themselves (BENCHMARKS.md, issue 15).
    [Fact]
    public void The_web_front_and_the_api_replicas_listen_on_their_own_ports_without_a_proxy()
    {
        var model = cluster.App.Services.GetRequiredService<DistributedApplicationModel>();
        var projects = model.Resources.OfType<ProjectResource>().ToList();
        Assert.Equal(["api-1", "api-2", "web"], projects.Select(p => p.Name).Order());
        Assert.All(projects, project =>
        {
            var http = Assert.Single(project.Annotations.OfType<EndpointAnnotation>(), e => e.Name == "http");
            Assert.False(http.IsProxied, $"{project.Name} is behind the orchestrator's proxy");
            Assert.Equal(http.TargetPort, http.AllocatedEndpoint?.Port);
        });
    }

    [Fact]
    public async Task Both_api_replicas_answer_health_with_mongodb_and_redis_healthy()
    {
        using var http = new HttpClient();
        var seen = new Dictionary<string, JsonElement>();

        foreach (var replica in cluster.ApiReplicas)
        {
            using var response = await http.GetAsync(new Uri(replica, "/health"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var instance = Assert.Single(response.Headers.GetValues(InstanceHeader));
            Assert.Matches("^api-[0-9a-f]{12}$", instance); // opaque: no host name, no process id
            seen[instance] = await response.Content.ReadFromJsonAsync<JsonElement>();
        }

        Assert.Equal(2, seen.Count);
        Assert.All(seen.Values, report =>
        {
            Assert.Equal("Healthy", report.GetProperty("status").GetString());
            var checks = report.GetProperty("checks");
            Assert.Equal("Healthy", checks.GetProperty("mongodb").GetString());
            Assert.Equal("Healthy", checks.GetProperty("StackExchange.Redis").GetString());
        });
    }

    [Fact]
    public async Task The_web_front_balances_requests_over_both_replicas()
    {
        using var web = cluster.CreateWebClient();
        var served = new HashSet<string>();

        for (var attempt = 0; attempt < 40 && served.Count < 2; attempt++)
        {
            using var response = await web.GetAsync("/api/limits");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            served.Add(Assert.Single(response.Headers.GetValues(InstanceHeader)));
        }

        Assert.Equal(2, served.Count);
    }

    [Fact]
    public async Task Web_front_serves_the_spa_shell()
    {
        using var web = cluster.CreateWebClient();

        var index = await web.GetStringAsync("/");
        var deepLink = await web.GetStringAsync("/conversations/someone");

        Assert.Contains("<div id=\"root\"></div>", index);
        Assert.Equal(index, deepLink); // client-side routes fall back to the SPA
    }

    [Fact]
    public async Task Web_front_proxies_api_requests_to_a_replica()
    {
        using var web = cluster.CreateWebClient();

        using var response = await web.GetAsync("/api/no-such-endpoint");

        // A ProblemDetails 404 stamped by an API replica, not the web front's SPA fallback.
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.Contains(InstanceHeader));
    }

    [Fact]
    public async Task The_limits_a_client_checks_are_served_anonymously_from_the_servers_own_settings()
    {
        using var web = cluster.CreateWebClient();

        var limits = await web.GetFromJsonAsync<JsonElement>("/api/limits");

        Assert.Equal(4000, limits.GetProperty("maxMessageTextLength").GetInt32());
        Assert.Equal(10 * 1024 * 1024, limits.GetProperty("maxImageBytes").GetInt64());
        Assert.Equal(["image/jpeg", "image/png", "image/webp", "image/gif"],
            limits.GetProperty("imageContentTypes").EnumerateArray().Select(t => t.GetString()!).ToArray());
        Assert.Equal((60, 8, 128), (limits.GetProperty("maxFullNameLength").GetInt32(),
            limits.GetProperty("minPasswordLength").GetInt32(), limits.GetProperty("maxPasswordLength").GetInt32()));
    }

    [Fact]
    public async Task Hub_connection_through_the_web_front_opens_over_websockets_with_the_session_cookie()
    {
        using var client = ChatApiClient.For(cluster.WebEndpoint);
        await client.NewUserAsync();
        await using var connection = HubConnection(client.SessionToken);

        await connection.StartAsync();
        var replica = await connection.InvokeAsync<string>("Ping");

        Assert.Equal(HubConnectionState.Connected, connection.State);
        Assert.False(string.IsNullOrWhiteSpace(replica));
    }

    [Fact]
    public async Task Hub_refuses_a_websocket_without_a_session()
    {
        await using var anonymous = HubConnection(sessionToken: null);
        await using var forged = HubConnection(sessionToken: "not.a.token");

        await Assert.ThrowsAnyAsync<Exception>(() => anonymous.StartAsync());
        await Assert.ThrowsAnyAsync<Exception>(() => forged.StartAsync());
        Assert.Equal(HubConnectionState.Disconnected, anonymous.State);
        Assert.Equal(HubConnectionState.Disconnected, forged.State);
    }

    private HubConnection HubConnection(string? sessionToken) => new HubConnectionBuilder()
        .WithUrl(new Uri(cluster.WebEndpoint, "/hubs/chat"), options =>
        {
            options.Transports = HttpTransportType.WebSockets;
            options.SkipNegotiation = true;
            if (sessionToken is not null) options.Headers["Cookie"] = $"chat_session={sessionToken}";
        })
        .Build();
}

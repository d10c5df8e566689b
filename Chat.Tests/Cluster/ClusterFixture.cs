using Xunit.Abstractions;
using Chat.Tests.Support;
using System.Diagnostics;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Chat.Tests.Cluster;

/// <summary>
/// The whole AppHost (API replicas, web front, redis-server, the MongoDB-wire stand-in) started
/// once for every test of the "cluster" collection, in executables mode as on a machine without
/// a container engine.
/// </summary>
public class ClusterFixture(IMessageSink diagnostics) : IAsyncLifetime
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    public DistributedApplication App { get; private set; } = null!;

    /// <summary>Where the API replicas store uploaded images during this run.</summary>
    public string MediaDirectory { get; } = Directory.CreateTempSubdirectory("chat-media-").FullName;

    /// <summary>The push service the API replicas deliver Web Push to in this run.</summary>
    public PushServiceStandIn PushService { get; private set; } = null!;

    /// <summary>Where every service of this run exports its spans (and the API relays the browsers').</summary>
    public TraceCollector Traces { get; private set; } = null!;

    /// <summary>A port the load tool's push scenario may receive pushes on (allowed too).</summary>
    public int LoadToolPushPort { get; private set; }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>How long the cluster took from start to every resource healthy.</summary>
    public TimeSpan StartedIn { get; private set; }

    /// <summary>The latest state of every resource instance (each API replica separately).</summary>
    public IReadOnlyDictionary<string, ResourceEvent> Resources { get; private set; } = new Dictionary<string, ResourceEvent>();

    public async Task InitializeAsync()
    {
        var stopwatch = Stopwatch.StartNew();
        PushService = await PushServiceStandIn.StartAsync();
        Traces = await TraceCollector.StartAsync();
        LoadToolPushPort = FreePort();
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Chat_AppHost>(
            [
                "--Infrastructure:Mode=executables",
                // No container engine here: do not wait for one.
                "--DcpPublisher:ContainerRuntimeInitializationTimeout=00:00:00",
                // The tests' push service, allowed as a developer would allow a local one (passed through by the AppHost).
                $"--Push:AllowedHosts:0={PushService.Host}",
                $"--Push:AllowedHosts:1=127.0.0.1:{LoadToolPushPort}",
            ],
            (options, _) => options.AllowUnsecuredTransport = true);
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        foreach (var project in builder.Resources.OfType<ProjectResource>().ToList())
        {
            // Spans go to this run's collector, in OTLP/HTTP as the AppHost sets it for the API.
            builder.CreateResourceBuilder(project)
                .WithEnvironment("OTEL_EXPORTER_OTLP_ENDPOINT", Traces.Endpoint.ToString().TrimEnd('/'))
                .WithEnvironment("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
        }
        foreach (var replica in builder.Resources.OfType<ProjectResource>().Where(r => IsApiReplica(r.Name)).ToList())
        {
            var api = builder.CreateResourceBuilder(replica);
            // A short offline grace keeps presence tests quick; a reload still fits well within it.
            api.WithEnvironment("Presence__OfflineGrace", "00:00:02");
            // Uploaded images in a directory of this run, not the developer's .data/media.
            api.WithEnvironment("Media__LocalPath", MediaDirectory);
            api.WithEnvironment("Groups__MaxMembers", GroupMaxMembers.ToString(System.Globalization.CultureInfo.InvariantCulture));
            // The suite signs up hundreds of users from one address and sends like a load test:
            // limits raised as the load-test tool raises them (RateLimitTests checks the defaults).
            foreach (var limit in RaisedRateLimits)
            {
                api.WithEnvironment($"RateLimits__{limit}__PermitLimit", "1000000");
            }
            ConfigureApi(api);
        }

        App = await builder.BuildAsync();
        using var timeout = new CancellationTokenSource(StartTimeout);
        await App.StartAsync(timeout.Token);
        Resources = await WaitForAllHealthyAsync(timeout.Token);
        StartedIn = stopwatch.Elapsed;
        diagnostics.OnMessage(new Xunit.Sdk.DiagnosticMessage($"{GetType().Name}: cluster started, every resource healthy, in {StartedIn.TotalSeconds:F1} s"));
    }

    /// <summary>The request limits this cluster raises far above the defaults (all of them unless a fixture says otherwise).</summary>
    protected virtual IEnumerable<string> RaisedRateLimits => ["SignUp", "Send", "Upload", "Search", "Typing", "ReadMarks", "GroupCreate", "GroupAdd", "Settings"];

    /// <summary>The member limit of the test cluster's groups: small, so the limit test needs few people.</summary>
    public const int GroupMaxMembers = 8;

    /// <summary>Settings a fixture gives the API replicas on top of the defaults.</summary>
    protected virtual void ConfigureApi(IResourceBuilder<ProjectResource> api)
    {
    }

    public HttpClient CreateWebClient() => App.CreateHttpClient("web");

    /// <summary>Run locally, the API's replicas are resources api-1 … api-N (the AppHost's ApiReplicaExtensions).</summary>
    public static bool IsApiReplica(string resourceName) => resourceName.StartsWith("api-", StringComparison.Ordinal);

    /// <summary>
    /// Each API replica's own address (the web front balances them), so a test can choose which
    /// replica serves a request.
    /// </summary>
    public IReadOnlyList<Uri> ApiReplicas => CurrentApiReplicas()
        .Select(r => r.Url)
        .OrderBy(uri => uri.Port)
        .ToList();

    // As they are now: a replica restarted by a test may listen elsewhere than at start.
    private IEnumerable<(string ResourceId, Uri Url)> CurrentApiReplicas() => Resources.Values
        .Where(r => IsApiReplica(r.Resource.Name))
        .Select(r => App.ResourceNotifications.TryGetCurrentState(r.ResourceId, out var now) ? now : r)
        .Select(r => (r.ResourceId, new Uri(r.Snapshot.EnvironmentVariables.Single(e => e.Name == "ASPNETCORE_URLS").Value!.Split(';')[0])));

    /// <summary>The key the replicas sign session tokens with, to forge tokens that differ in one way only.</summary>
    public async Task<string> SigningKeyAsync()
    {
        var model = App.Services.GetRequiredService<DistributedApplicationModel>();
        var parameter = model.Resources.OfType<ParameterResource>().Single(p => p.Name == "auth-signing-key");
        return (await parameter.GetValueAsync(default))!;
    }

    public Uri WebEndpoint => App.GetEndpoint("web", "http");

    private async Task<IReadOnlyDictionary<string, ResourceEvent>> WaitForAllHealthyAsync(CancellationToken cancellationToken)
    {
        var model = App.Services.GetRequiredService<DistributedApplicationModel>();
        var expected = model.Resources.Select(r => r.Name).ToHashSet();
        var latest = new Dictionary<string, ResourceEvent>();
        using var registration = cancellationToken.Register(() => Console.Error.WriteLine(
            "Cluster not healthy in time: " + string.Join("; ", latest.Values.Select(e =>
                $"{e.ResourceId}={e.Snapshot.State?.Text}/{e.Snapshot.HealthStatus}"))));
        await foreach (var update in App.ResourceNotifications.WatchAsync(cancellationToken))
        {
            latest[update.ResourceId] = update;
            // Hidden helpers (the projects' "rebuilder" resources) never start; skip them.
            var visible = latest.Values.Where(e => !e.Snapshot.IsHidden).ToList();
            if (expected.All(name => latest.Values.Any(e => e.Resource.Name == name))
                && visible.All(e => e.Snapshot.State?.Text == KnownResourceStates.Running
                                    && e.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy))
            {
                return visible.ToDictionary(e => e.ResourceId);
            }
        }
        throw new OperationCanceledException();
    }

    /// <summary>The instance id of the process answering at this replica's address now.</summary>
    public static async Task<string> InstanceAtAsync(Uri replica)
    {
        using var http = new HttpClient();
        using var alive = await http.GetAsync(new Uri(replica, "/alive"));
        return alive.Headers.GetValues("X-Chat-Instance").Single();
    }

    /// <summary>The id (in the orchestrator) of the API replica listening at <paramref name="replica"/>.</summary>
    public string ReplicaResourceId(Uri replica) => CurrentApiReplicas().Single(r => r.Url == replica).ResourceId;

    /// <summary>The resource id of a single-instance resource (redis, web, the stand-in).</summary>
    public string ResourceId(string name) => Resources.Values.Single(r => r.Resource.Name == name).ResourceId;

    /// <summary>Runs a dashboard command (start, stop, restart) on a resource, as a person would.</summary>
    public async Task CommandAsync(string resourceId, string command)
    {
        var result = await App.Services.GetRequiredService<ResourceCommandService>().ExecuteCommandAsync(resourceId, command);
        Assert.True(result.Success, $"{command} {resourceId}: {result.Message}");
    }

    /// <summary>
    /// Stops a resource and waits for its process to be gone: the orchestrator answers the stop
    /// before the process exits, and a start meanwhile finds the port still taken (redis-server
    /// then fails to start).
    /// </summary>
    public async Task StopAsync(string resourceId)
    {
        using var process = ProcessOf(resourceId);
        await CommandAsync(resourceId, KnownResourceCommands.StopCommand);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(cancel.Token);
    }

    /// <summary>The replica's address once a new process (not <paramref name="killedInstance"/>) answers /health there.</summary>
    public async Task<Uri> NewInstanceAnsweringAsync(string replicaId, string killedInstance, TimeSpan timeout)
    {
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (App.ResourceNotifications.TryGetCurrentState(replicaId, out var state)
                && state.Snapshot.EnvironmentVariables.FirstOrDefault(e => e.Name == "ASPNETCORE_URLS")?.Value is { } urls)
            {
                var url = new Uri(urls.Split(';')[0]);
                try
                {
                    using var response = await http.GetAsync(new Uri(url, "/health"));
                    if (response.IsSuccessStatusCode && response.Headers.GetValues("X-Chat-Instance").Single() != killedInstance) return url;
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"Replica {replicaId} did not come back within {timeout}.");
    }

    /// <summary>
    /// The process the orchestrator runs for a resource now (its "executable.pid"): the web front,
    /// an API replica, redis-server, the stand-in. Not the orchestrator's proxy in front of it,
    /// which is what its ports and connection strings point at.
    /// </summary>
    public System.Diagnostics.Process ProcessOf(string resourceId)
    {
        Assert.True(App.ResourceNotifications.TryGetCurrentState(resourceId, out var state));
        var pid = state.Snapshot.Properties.Single(p => p.Name == "executable.pid").Value;
        return System.Diagnostics.Process.GetProcessById(Convert.ToInt32(pid, System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Waits until the resource reports healthy again (after a restart).</summary>
    public async Task WaitUntilHealthyAsync(string resourceId, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await App.ResourceNotifications.WaitForResourceHealthyAsync(Resources[resourceId].Resource.Name, cancel.Token);
    }

    public async Task<string> ConnectionStringAsync(string resource) =>
        (await App.GetConnectionStringAsync(resource))!;

    public async Task DisposeAsync()
    {
        if (App is not null) await App.DisposeAsync();
        if (PushService is not null) await PushService.DisposeAsync();
        if (Traces is not null) await Traces.DisposeAsync();
        Directory.Delete(MediaDirectory, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}

using Xunit.Abstractions;
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

    /// <summary>How long the cluster took from start to every resource healthy.</summary>
    public TimeSpan StartedIn { get; private set; }

    /// <summary>The latest state of every resource instance (each API replica separately).</summary>
    public IReadOnlyDictionary<string, ResourceEvent> Resources { get; private set; } = new Dictionary<string, ResourceEvent>();

    public async Task InitializeAsync()
    {
        var stopwatch = Stopwatch.StartNew();
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Chat_AppHost>(
            [
                "--Infrastructure:Mode=executables",
                // No container engine here: do not wait for one.
                "--DcpPublisher:ContainerRuntimeInitializationTimeout=00:00:00",
            ],
            (options, _) => options.AllowUnsecuredTransport = true);
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        var api = builder.CreateResourceBuilder(builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "api"));
        // A short offline grace keeps presence tests quick; a reload still fits well within it.
        api.WithEnvironment("Presence__OfflineGrace", "00:00:02");
        // Uploaded images in a directory of this run, not the developer's .data/media.
        api.WithEnvironment("Media__LocalPath", MediaDirectory);
        // The suite signs up hundreds of users from one address and sends like a load test:
        // limits raised as the load-test tool raises them (RateLimitTests checks the defaults).
        foreach (var limit in RaisedRateLimits)
        {
            api.WithEnvironment($"RateLimits__{limit}__PermitLimit", "1000000");
        }
        ConfigureApi(api);

        App = await builder.BuildAsync();
        using var timeout = new CancellationTokenSource(StartTimeout);
        await App.StartAsync(timeout.Token);
        Resources = await WaitForAllHealthyAsync(timeout.Token);
        StartedIn = stopwatch.Elapsed;
        diagnostics.OnMessage(new Xunit.Sdk.DiagnosticMessage($"{GetType().Name}: cluster started, every resource healthy, in {StartedIn.TotalSeconds:F1} s"));
    }

    /// <summary>The request limits this cluster raises far above the defaults (all of them unless a fixture says otherwise).</summary>
    protected virtual IEnumerable<string> RaisedRateLimits => ["SignUp", "Send", "Upload", "Search", "Typing", "ReadMarks"];

    /// <summary>Settings a fixture gives the API replicas on top of the defaults.</summary>
    protected virtual void ConfigureApi(IResourceBuilder<ProjectResource> api)
    {
    }

    public HttpClient CreateWebClient() => App.CreateHttpClient("web");

    /// <summary>
    /// Each API replica's own address (behind the orchestrator's balancing proxy), so a test can
    /// choose which replica serves a request.
    /// </summary>
    public IReadOnlyList<Uri> ApiReplicas => Resources.Values
        .Where(r => r.Resource.Name == "api")
        .Select(r => new Uri(r.Snapshot.EnvironmentVariables.Single(e => e.Name == "ASPNETCORE_URLS").Value!.Split(';')[0]))
        .OrderBy(uri => uri.Port)
        .ToList();

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

    public async Task<string> ConnectionStringAsync(string resource) =>
        (await App.GetConnectionStringAsync(resource))!;

    public async Task DisposeAsync()
    {
        if (App is not null) await App.DisposeAsync();
        Directory.Delete(MediaDirectory, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}

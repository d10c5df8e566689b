using Chat.AppHost.Infrastructure;
using Chat.AppHost.MongoDB;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aspire.Hosting;

/// <summary>
/// A small stand-in for Aspire.Hosting.MongoDB (not served by this machine's NuGet mirror):
/// MongoDB as a container, a local mongod, or the in-memory MongoDB-wire stand-in.
/// </summary>
public static class MongoHostingExtensions
{
    public const string ContainerImage = "library/mongo";
    public const string ContainerTag = "8";
    private const int MongoPort = 27017;

    /// <summary>Where the stand-in's binary is taken from when <c>Mongo:StandInPath</c> does not say.</summary>
    public const string StandInRelativePath = "../eng/mongo-standin/node_modules/@jongodb/memory-server-bin-linux-x64-gnu/bin/jongodb";

    /// <summary>Adds MongoDB in the form the mode allows: a <see cref="MongoContainerResource"/>, or a <see cref="MongoExecutableResource"/> (mongod, or the stand-in).</summary>
    public static IResourceBuilder<IMongoServerResource> AddMongo(
        this IDistributedApplicationBuilder builder, string name, InfrastructureMode mode, InfrastructureReport report)
    {
        IResourceBuilder<IMongoServerResource> server;
        if (mode == InfrastructureMode.Containers)
        {
            var password = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password", special: false);
            server = builder.AddResource(new MongoContainerResource(name, password))
                .WithImage(ContainerImage, ContainerTag)
                .WithEndpoint(targetPort: MongoPort, name: "tcp", scheme: "tcp")
                .WithEnvironment("MONGO_INITDB_ROOT_USERNAME", MongoConnectionStrings.UserName)
                .WithEnvironment("MONGO_INITDB_ROOT_PASSWORD", password)
                .WithVolume($"chat-{name}-data", "/data/db")
                .WithLifetime(ContainerLifetime.Persistent);
            report.Add(name, "mongo:8 container with a data volume");
        }
        else if (FindOnPath("mongod") is { } mongod)
        {
            var dataDirectory = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", ".data", "mongod"));
            Directory.CreateDirectory(dataDirectory);
            var resource = new MongoExecutableResource(name, mongod, builder.AppHostDirectory, isStandIn: false);
            server = builder.AddResource(resource)
                .WithEndpoint(name: "tcp", scheme: "tcp", port: LocalPorts.Free(), isProxied: false)
                .WithArgs(context =>
                {
                    context.Args.Add("--bind_ip");
                    context.Args.Add("127.0.0.1");
                    context.Args.Add("--port");
                    context.Args.Add(resource.PrimaryEndpoint.Property(EndpointProperty.TargetPort));
                    context.Args.Add("--dbpath");
                    context.Args.Add(dataDirectory);
                });
            report.Add(name, $"mongod from PATH ({mongod}), data in {dataDirectory}");
        }
        else
        {
            var standIn = Path.GetFullPath(builder.Configuration["Mongo:StandInPath"]
                ?? Path.Combine(builder.AppHostDirectory, StandInRelativePath));
            if (!File.Exists(standIn))
            {
                throw new DistributedApplicationException(
                    $"No container runtime, no mongod on PATH and no MongoDB-wire stand-in at {standIn}. " +
                    "Run ./eng/start (it installs the stand-in), install MongoDB, or set ConnectionStrings:chatdb.");
            }
            var resource = new MongoExecutableResource(name, standIn, builder.AppHostDirectory, isStandIn: true);
            server = builder.AddResource(resource)
                .WithEndpoint(name: "tcp", scheme: "tcp", port: LocalPorts.Free(), isProxied: false)
                .WithArgs(context =>
                {
                    context.Args.Add("--host=127.0.0.1");
                    context.Args.Add(ReferenceExpression.Create($"--port={resource.PrimaryEndpoint.Property(EndpointProperty.TargetPort)}"));
                })
                // Shown in the dashboard's resource list, next to the resource itself.
                .WithUrl("https://www.mongodb.com/docs/manual/installation/", "STAND-IN: in-memory, data lost on restart; install MongoDB or Docker for real use");
            report.Warn(name,
                "MongoDB-wire STAND-IN (in-memory jongodb): a demo database. Data is gone on restart and it slows " +
                "past a few thousand messages. Install MongoDB (mongod on PATH) or Docker, or set ConnectionStrings:chatdb, for real use.");
        }

        return server.WithPingHealthCheck(server.Resource.BuildConnectionString(null));
    }

    /// <summary>A database on the server; its connection string names the database.</summary>
    public static IResourceBuilder<MongoDatabaseResource> AddDatabase(
        this IResourceBuilder<IMongoServerResource> server, string name, string? databaseName = null)
    {
        var database = new MongoDatabaseResource(name, databaseName ?? name, server.Resource);
        return server.ApplicationBuilder.AddResource(database)
            .WithPingHealthCheck(database.ConnectionStringExpression)
            .OnInitializeResource((db, e, ct) =>
            {
                // A database has no process of its own: it is up when its server is. Aspire mirrors
                // a parent's state onto children only for containers, so do it here for every form
                // (else WaitFor(database) would wait forever behind a mongod or the stand-in).
                _ = Task.Run(() => MirrorServerStateAsync(db, e.Notifications, ct), ct);
                return Task.CompletedTask;
            });
    }

    private static async Task MirrorServerStateAsync(
        MongoDatabaseResource database, ResourceNotificationService notifications, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var update in notifications.WatchAsync(cancellationToken))
            {
                if (update.Resource != database.Parent) continue;
                await notifications.PublishUpdateAsync(database, snapshot => snapshot with
                {
                    State = update.Snapshot.State,
                    StartTimeStamp = update.Snapshot.StartTimeStamp,
                    StopTimeStamp = update.Snapshot.StopTimeStamp,
                });
            }
        }
        catch (OperationCanceledException)
        {
            // The AppHost is stopping.
        }
    }

    private static IResourceBuilder<T> WithPingHealthCheck<T>(this IResourceBuilder<T> builder, ReferenceExpression connectionString)
        where T : IResource
    {
        var key = $"{builder.Resource.Name}_mongo_ping";
        // One instance for the app's life, so its MongoClient (and connection pool) is reused.
        var check = new MongoPingHealthCheck(connectionString.GetValueAsync);
        builder.ApplicationBuilder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            key,
            _ => check,
            failureStatus: HealthStatus.Unhealthy,
            tags: null));
        return builder.WithHealthCheck(key);
    }

    private static string? FindOnPath(string executable) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, executable))
            .FirstOrDefault(File.Exists);
}

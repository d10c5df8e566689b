using Microsoft.Extensions.Diagnostics.HealthChecks;
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Conventions;
using MongoDB.Driver;

namespace Chat.Api.Infrastructure.MongoDB;

using Chat.Api.Infrastructure;

/// <summary>
/// A small stand-in for Aspire.MongoDB.Driver (not served by this machine's NuGet mirror): one
/// IMongoClient for the process, the IMongoDatabase named by the connection string, a health
/// check, and every command traced as an OpenTelemetry span.
/// </summary>
public static class MongoDatabaseRegistration
{
    public static void AddMongoDatabase(this IHostApplicationBuilder builder, string connectionName)
    {
        var connectionString = builder.Configuration.GetConnectionString(connectionName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{connectionName} is not set. Start the API through Chat.AppHost, or give a MongoDB connection string.");
        }
        var url = MongoUrl.Create(connectionString);
        if (string.IsNullOrEmpty(url.DatabaseName))
        {
            throw new InvalidOperationException($"ConnectionStrings:{connectionName} names no database (mongodb://host/<database>).");
        }

        RegisterConventions();

        builder.Services.AddSingleton<MongoIndexes>();
        builder.Services.AddHostedService(services => services.GetRequiredService<MongoIndexes>());
        builder.Services.AddHealthChecks().AddCheck<MongoIndexes>("mongodb-indexes");
        builder.Services.AddSingleton<IMongoClient>(_ =>
        {
            var settings = MongoClientSettings.FromUrl(url);
            // Fail within seconds when the server is gone or stalls, rather than hang the request
            // (DependencyFailures): a connection that does not open or whose handshake is not
            // answered (new connections open while the pooled ones are stuck), no server to
            // select, no pooled connection free. A stalled operation is cut by the request's
            // deadline. A connection string's own settings win.
            var timeout = DependencyFailures.MongoConnectTimeout;
            if (url.SocketTimeout == MongoDefaults.SocketTimeout) settings.SocketTimeout = timeout;
            if (url.ConnectTimeout == MongoDefaults.ConnectTimeout) settings.ConnectTimeout = timeout;
            if (url.ServerSelectionTimeout == MongoDefaults.ServerSelectionTimeout) settings.ServerSelectionTimeout = timeout;
            if (url.WaitQueueTimeout == MongoDefaults.WaitQueueTimeout) settings.WaitQueueTimeout = timeout;
            settings.ClusterConfigurator = cluster => MongoCommandTracing.Subscribe(cluster, url.DatabaseName);
            return new MongoClient(settings);
        });
        builder.Services.AddSingleton(services => services.GetRequiredService<IMongoClient>().GetDatabase(url.DatabaseName));

        builder.Services.AddHealthChecks().AddCheck<MongoHealthCheck>("mongodb");
    }

    private static int _conventionsRegistered;

    /// <summary>Documents use camelCase field names, like the JSON the API speaks (once per process).</summary>
    public static void RegisterConventions()
    {
        if (Interlocked.Exchange(ref _conventionsRegistered, 1) == 1) return;
        ConventionRegistry.Register("chat", new ConventionPack
        {
            new CamelCaseElementNameConvention(),
            new IgnoreExtraElementsConvention(true),
        }, type => type.Namespace?.StartsWith("Chat.", StringComparison.Ordinal) == true);
    }
}

/// <summary>Healthy when the database answers ping within a couple of seconds.</summary>
internal sealed class MongoHealthCheck(IMongoDatabase database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(3));
        try
        {
            await database.RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1), cancellationToken: timeout.Token);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is MongoException or TimeoutException or OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("MongoDB did not answer ping.", ex);
        }
    }
}

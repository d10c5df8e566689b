using Microsoft.Extensions.Diagnostics.HealthChecks;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Chat.AppHost.MongoDB;

/// <summary>
/// Healthy when the server answers <c>ping</c>. The connection string is resolved on first use,
/// because an executable's port is only known once the orchestrator has allocated it.
/// </summary>
public sealed class MongoPingHealthCheck(Func<CancellationToken, ValueTask<string?>> connectionString)
    : IHealthCheck, IDisposable
{
    private static readonly TimeSpan ServerSelectionTimeout = TimeSpan.FromSeconds(2);
    private MongoClient? _client;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            _client ??= await CreateClientAsync(cancellationToken);
            if (_client is null) return HealthCheckResult.Unhealthy("MongoDB has no connection string yet.");

            await _client.GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1), cancellationToken: cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is MongoException or TimeoutException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy("MongoDB did not answer ping.", ex);
        }
    }

    private async Task<MongoClient?> CreateClientAsync(CancellationToken cancellationToken)
    {
        var value = await connectionString(cancellationToken);
        if (string.IsNullOrEmpty(value)) return null;
        var settings = MongoClientSettings.FromConnectionString(value);
        // Fail fast: a health probe must answer "down" promptly, not after the driver's 30 s.
        settings.ServerSelectionTimeout = ServerSelectionTimeout;
        settings.ConnectTimeout = ServerSelectionTimeout;
        return new MongoClient(settings);
    }

    public void Dispose() => _client?.Dispose();
}

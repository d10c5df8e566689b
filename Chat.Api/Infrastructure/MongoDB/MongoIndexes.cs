using Microsoft.Extensions.Diagnostics.HealthChecks;
using MongoDB.Driver;

namespace Chat.Api.Infrastructure.MongoDB;

/// <summary>
/// Creates the collections' indexes when the replica starts. Every replica does it; creating an
/// index that exists is a no-op, so replicas starting together do not conflict. In the
/// background, retried until MongoDB answers: a replica starts (and reports unhealthy) while its
/// database is late, rather than failing at boot (in the cloud nothing orders the start-up). Until
/// they exist the replica reports unhealthy (the unique indexes are what keep seqs and sign-ups
/// unique), so no traffic is routed to it.
/// </summary>
public sealed class MongoIndexes(IMongoDatabase database, IEnumerable<MongoIndexes.Definition> definitions, ILogger<MongoIndexes> logger)
    : BackgroundService, IHealthCheck
{
    private volatile bool _created;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_created ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("The indexes are not created yet."));

    private static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(2);

    public sealed record Definition(Func<IMongoDatabase, CancellationToken, Task> Create);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (true)
        {
            try
            {
                foreach (var definition in definitions) await definition.Create(database, stoppingToken);
                _created = true;
                return;
            }
            catch (Exception ex) when (DependencyFailures.IsUnavailable(ex) || ex is MongoException)
            {
                logger.LogWarning(ex, "MongoDB is not answering yet; creating the indexes again in {Delay}.", RetryEvery);
                await Task.Delay(RetryEvery, stoppingToken);
            }
        }
    }
}

using MongoDB.Driver;

namespace Chat.Api.Infrastructure.MongoDB;

/// <summary>
/// Creates the collections' indexes before the replica serves requests. Every replica does it;
/// creating an index that exists is a no-op, so replicas starting together do not conflict.
/// </summary>
public sealed class MongoIndexes(IMongoDatabase database, IEnumerable<MongoIndexes.Definition> definitions) : IHostedService
{
    public sealed record Definition(Func<IMongoDatabase, CancellationToken, Task> Create);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var definition in definitions) await definition.Create(database, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;

namespace Chat.Api.Blocking;

/// <summary>One user blocking another; the id is "{blockerId}:{blockedId}", so a pair has at most one.</summary>
public sealed record BlockDocument
{
    [BsonId]
    public required string Id { get; init; }
    public required string BlockerId { get; init; }
    public required string BlockedId { get; init; }
    public required DateTime CreatedAt { get; init; }

    public static string IdOf(string blockerId, string blockedId) => $"{blockerId}:{blockedId}";
}

/// <summary>The <c>blocks</c> collection: who blocked whom (the truth; <see cref="BlockList"/> keeps a copy in Redis).</summary>
public sealed class BlockStore(IMongoDatabase database)
{
    private readonly IMongoCollection<BlockDocument> _blocks = database.GetCollection<BlockDocument>("blocks");
    private static readonly FilterDefinitionBuilder<BlockDocument> F = Builders<BlockDocument>.Filter;

    public static Task CreateIndexesAsync(IMongoDatabase database, CancellationToken cancellationToken) =>
        database.GetCollection<BlockDocument>("blocks").Indexes.CreateManyAsync(
        [
            new(Builders<BlockDocument>.IndexKeys.Ascending(b => b.BlockerId).Descending(b => b.CreatedAt),
                new CreateIndexOptions { Name = "blockerId_createdAt" }),
            new(Builders<BlockDocument>.IndexKeys.Ascending(b => b.BlockedId), new CreateIndexOptions { Name = "blockedId" }),
        ], cancellationToken);

    public Task BlockAsync(string blockerId, string blockedId, DateTime at, CancellationToken cancellationToken) =>
        _blocks.UpdateOneAsync(
            F.Eq(b => b.Id, BlockDocument.IdOf(blockerId, blockedId)),
            Builders<BlockDocument>.Update
                .SetOnInsert(b => b.BlockerId, blockerId)
                .SetOnInsert(b => b.BlockedId, blockedId)
                .SetOnInsert(b => b.CreatedAt, at),
            new UpdateOptions { IsUpsert = true }, cancellationToken);

    public Task UnblockAsync(string blockerId, string blockedId, CancellationToken cancellationToken) =>
        _blocks.DeleteOneAsync(F.Eq(b => b.Id, BlockDocument.IdOf(blockerId, blockedId)), cancellationToken);

    /// <summary>Everyone the user blocked, most recent first.</summary>
    public async Task<List<string>> BlockedByAsync(string blockerId, CancellationToken cancellationToken) =>
        // Whole documents, not a projection: the stand-in ignores projections.
        (await _blocks.Find(F.Eq(b => b.BlockerId, blockerId)).SortByDescending(b => b.CreatedAt).ToListAsync(cancellationToken))
            .Select(b => b.BlockedId).ToList();

    /// <summary>Removes every block the user is part of, either side (a deleted account).</summary>
    public Task DeleteInvolvingAsync(string userId, CancellationToken cancellationToken) =>
        _blocks.DeleteManyAsync(F.Eq(b => b.BlockerId, userId) | F.Eq(b => b.BlockedId, userId), cancellationToken);

    /// <summary>Every block these users are part of, either side.</summary>
    public async Task<List<BlockDocument>> InvolvingAsync(IEnumerable<string> userIds, CancellationToken cancellationToken) =>
        await _blocks.Find(F.In(b => b.BlockerId, userIds) | F.In(b => b.BlockedId, userIds)).ToListAsync(cancellationToken);

    /// <summary>Which of <paramref name="userIds"/> blocked <paramref name="blockedId"/> (one query by id).</summary>
    public async Task<HashSet<string>> WhoBlockedAsync(string blockedId, IEnumerable<string> userIds, CancellationToken cancellationToken) =>
        (await _blocks.Find(F.In(b => b.Id, userIds.Select(id => BlockDocument.IdOf(id, blockedId)))).ToListAsync(cancellationToken))
            .Select(b => b.BlockerId).ToHashSet();
}

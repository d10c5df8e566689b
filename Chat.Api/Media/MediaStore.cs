using MongoDB.Driver;

namespace Chat.Api.Media;

/// <summary>The <c>media</c> collection: uploads, their use, and who may see them.</summary>
public sealed class MediaStore(IMongoDatabase database)
{
    private readonly IMongoCollection<MediaDocument> _media = database.GetCollection<MediaDocument>("media");
    private static readonly FilterDefinitionBuilder<MediaDocument> F = Builders<MediaDocument>.Filter;

    public static async Task CreateIndexesAsync(IMongoDatabase database, CancellationToken cancellationToken)
    {
        var keys = Builders<MediaDocument>.IndexKeys;
        await database.GetCollection<MediaDocument>("media").Indexes.CreateManyAsync(
        [
            // The quota (an owner's bytes) and the owner's avatars.
            new(keys.Ascending(m => m.OwnerId), new CreateIndexOptions { Name = "ownerId" }),
            // Uploads never used, oldest first, for the daily clean-up.
            new(keys.Ascending(m => m.UsedBy).Ascending(m => m.CreatedAt), new CreateIndexOptions { Name = "usedBy_createdAt" }),
        ], cancellationToken);
    }

    public Task InsertAsync(MediaDocument media, CancellationToken cancellationToken) =>
        _media.InsertOneAsync(media, cancellationToken: cancellationToken);

    public async Task<MediaDocument?> FindAsync(string id, CancellationToken cancellationToken) =>
        await _media.Find(F.Eq(m => m.Id, id)).FirstOrDefaultAsync(cancellationToken);

    /// <summary>
    /// Marks the owner's media as used by <paramref name="use"/> and visible to <paramref name="viewers"/>,
    /// if it is unused or already used by that very use (a retried send); null otherwise. Atomic:
    /// two messages cannot both take one image.
    /// </summary>
    public async Task<MediaDocument?> ClaimAsync(string id, string ownerId, string use, string[] viewers, string? groupId, CancellationToken cancellationToken) =>
        await _media.FindOneAndUpdateAsync(
            F.Eq(m => m.Id, id) & F.Eq(m => m.OwnerId, ownerId) & F.Or(F.Eq(m => m.UsedBy, null), F.Eq(m => m.UsedBy, use)),
            Builders<MediaDocument>.Update.Set(m => m.UsedBy, use).Set(m => m.Viewers, viewers).Set(m => m.GroupId, groupId),
            new FindOneAndUpdateOptions<MediaDocument> { ReturnDocument = ReturnDocument.After },
            cancellationToken);

    public Task DeleteAsync(string id, CancellationToken cancellationToken) =>
        _media.DeleteOneAsync(F.Eq(m => m.Id, id), cancellationToken);

    /// <summary>The bytes the owner's media take (the quota).</summary>
    public async Task<long> TotalBytesOfAsync(string ownerId, CancellationToken cancellationToken)
    {
        var totals = await _media.Aggregate()
            .Match(F.Eq(m => m.OwnerId, ownerId))
            .Group(m => m.OwnerId, group => new { Bytes = group.Sum(m => m.Bytes) })
            .ToListAsync(cancellationToken);
        return totals.SingleOrDefault()?.Bytes ?? 0;
    }

    public async Task<List<MediaDocument>> OwnedByAsync(string ownerId, CancellationToken cancellationToken) =>
        await _media.Find(F.Eq(m => m.OwnerId, ownerId)).ToListAsync(cancellationToken);

    public async Task<List<MediaDocument>> AvatarsOfAsync(string ownerId, CancellationToken cancellationToken) =>
        await _media.Find(F.Eq(m => m.OwnerId, ownerId) & F.Eq(m => m.UsedBy, "avatar")).ToListAsync(cancellationToken);

    public async Task<List<MediaDocument>> UsedByAsync(string use, CancellationToken cancellationToken) =>
        await _media.Find(F.Eq(m => m.UsedBy, use)).ToListAsync(cancellationToken);

    /// <summary>Uploads no message or avatar used, made before <paramref name="cutoff"/>.</summary>
    public async Task<List<MediaDocument>> UnusedBeforeAsync(DateTime cutoff, int limit, CancellationToken cancellationToken) =>
        await _media.Find(F.Eq(m => m.UsedBy, null) & F.Lt(m => m.CreatedAt, cutoff)).Limit(limit).ToListAsync(cancellationToken);
}

using MongoDB.Bson;
using MongoDB.Driver;
using MongoDB.Driver.GridFS;

namespace Chat.Api.Exports;

/// <summary>The <c>exports</c> collection and the GridFS bucket that holds the zips.</summary>
public sealed class ExportStore(IMongoDatabase database)
{
    private readonly IMongoCollection<ExportDocument> _exports = database.GetCollection<ExportDocument>("exports");
    private readonly GridFSBucket _files = new(database, new GridFSBucketOptions { BucketName = "exports" });
    private static readonly FilterDefinitionBuilder<ExportDocument> F = Builders<ExportDocument>.Filter;
    private static readonly UpdateDefinitionBuilder<ExportDocument> U = Builders<ExportDocument>.Update;

    public static Task CreateIndexesAsync(IMongoDatabase database, CancellationToken cancellationToken) =>
        database.GetCollection<ExportDocument>("exports").Indexes.CreateManyAsync(
        [
            new(Builders<ExportDocument>.IndexKeys.Ascending(e => e.UserId).Descending(e => e.CreatedAt), new CreateIndexOptions { Name = "userId_createdAt" }),
            new(Builders<ExportDocument>.IndexKeys.Ascending(e => e.Status).Ascending(e => e.ClaimedUntil), new CreateIndexOptions { Name = "status_claimedUntil" }),
        ], cancellationToken: cancellationToken);

    public Task InsertAsync(ExportDocument export, CancellationToken cancellationToken) =>
        _exports.InsertOneAsync(export, cancellationToken: cancellationToken);

    public async Task<ExportDocument?> FindAsync(string id, CancellationToken cancellationToken) =>
        await _exports.Find(F.Eq(e => e.Id, id)).FirstOrDefaultAsync(cancellationToken);

    public async Task<List<ExportDocument>> OfUserAsync(string userId, CancellationToken cancellationToken) =>
        await _exports.Find(F.Eq(e => e.UserId, userId)).SortByDescending(e => e.CreatedAt).ToListAsync(cancellationToken);

    /// <summary>The oldest export waiting for a replica (none claimed it, or its lease ran out), now held by <paramref name="instance"/>.</summary>
    public async Task<ExportDocument?> ClaimNextAsync(string instance, DateTime now, TimeSpan lease, CancellationToken cancellationToken) =>
        await _exports.FindOneAndUpdateAsync(
            F.Eq(e => e.Status, ExportDocument.Preparing) & F.Lt(e => e.ClaimedUntil, now),
            U.Set(e => e.ClaimedBy, instance).Set(e => e.ClaimedUntil, now + lease).Inc(e => e.Attempts, 1),
            new FindOneAndUpdateOptions<ExportDocument> { Sort = Builders<ExportDocument>.Sort.Ascending(e => e.CreatedAt), ReturnDocument = ReturnDocument.After },
            cancellationToken);

    /// <summary>Progress, and the lease renewed; false when this replica no longer holds it.</summary>
    public async Task<bool> ProgressAsync(string id, string instance, double progress, DateTime claimedUntil, CancellationToken cancellationToken) =>
        (await _exports.UpdateOneAsync(F.Eq(e => e.Id, id) & F.Eq(e => e.ClaimedBy, instance),
            U.Set(e => e.Progress, progress).Set(e => e.ClaimedUntil, claimedUntil), cancellationToken: cancellationToken)).MatchedCount > 0;

    public Task FinishAsync(string id, string instance, string status, ObjectId? fileId, CancellationToken cancellationToken) =>
        _exports.UpdateOneAsync(F.Eq(e => e.Id, id) & F.Eq(e => e.ClaimedBy, instance),
            U.Set(e => e.Status, status).Set(e => e.FileId, fileId).Set(e => e.Progress, status == ExportDocument.Ready ? 1 : 0),
            cancellationToken: cancellationToken);

    public Task<ObjectId> UploadAsync(string fileName, Stream zip, CancellationToken cancellationToken) =>
        _files.UploadFromStreamAsync(fileName, zip, cancellationToken: cancellationToken);

    public Task<GridFSDownloadStream> OpenDownloadAsync(ObjectId fileId, CancellationToken cancellationToken) =>
        _files.OpenDownloadStreamAsync(fileId, cancellationToken: cancellationToken);

    public async Task<List<ExportDocument>> ExpiredAsync(DateTime now, CancellationToken cancellationToken) =>
        await _exports.Find(F.Lt(e => e.ExpiresAt, now)).Limit(100).ToListAsync(cancellationToken);

    /// <summary>The export and its zip go.</summary>
    public async Task DeleteAsync(ExportDocument export, CancellationToken cancellationToken)
    {
        if (export.FileId is { } fileId)
        {
            try
            {
                await _files.DeleteAsync(fileId, cancellationToken);
            }
            catch (GridFSFileNotFoundException)
            {
                // Gone already (another replica's sweep).
            }
        }
        await _exports.DeleteOneAsync(F.Eq(e => e.Id, export.Id), cancellationToken);
    }
}

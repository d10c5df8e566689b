using MongoDB.Driver;

namespace Chat.Api.Media;

/// <summary>The <c>media</c> collection: uploads and their use.</summary>
public sealed class MediaStore(IMongoDatabase database)
{
    private readonly IMongoCollection<MediaDocument> _media = database.GetCollection<MediaDocument>("media");
    private static readonly FilterDefinitionBuilder<MediaDocument> F = Builders<MediaDocument>.Filter;

    public Task InsertAsync(MediaDocument media, CancellationToken cancellationToken) =>
        _media.InsertOneAsync(media, cancellationToken: cancellationToken);

    public async Task<MediaDocument?> FindAsync(string id, CancellationToken cancellationToken) =>
        await _media.Find(F.Eq(m => m.Id, id)).FirstOrDefaultAsync(cancellationToken);

    /// <summary>
    /// Marks the owner's media as used by <paramref name="use"/>, if it is unused or already
    /// used by that very use (a retried send); null otherwise. Atomic: two messages cannot
    /// both take one image.
    /// </summary>
    public async Task<MediaDocument?> ClaimAsync(string id, string ownerId, string use, CancellationToken cancellationToken) =>
        await _media.FindOneAndUpdateAsync(
            F.Eq(m => m.Id, id) & F.Eq(m => m.OwnerId, ownerId) & F.Or(F.Eq(m => m.UsedBy, null), F.Eq(m => m.UsedBy, use)),
            Builders<MediaDocument>.Update.Set(m => m.UsedBy, use),
            new FindOneAndUpdateOptions<MediaDocument> { ReturnDocument = ReturnDocument.After },
            cancellationToken);
}

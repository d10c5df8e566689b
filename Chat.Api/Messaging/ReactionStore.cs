using Chat.Api.Infrastructure.MongoDB;
using MongoDB.Driver;

namespace Chat.Api.Messaging;

/// <summary>
/// The <c>reactions</c> collection: a document per (message, person, emoji). Adding is an insert
/// and removing a delete, each idempotent and each its own document, so two devices reacting at
/// once never overwrite each other (no read-modify-write of a list).
/// </summary>
public sealed class ReactionStore(IMongoDatabase database)
{
    private readonly IMongoCollection<ReactionDocument> _reactions = database.GetCollection<ReactionDocument>("reactions");
    private static readonly FilterDefinitionBuilder<ReactionDocument> R = Builders<ReactionDocument>.Filter;

    public static Task CreateIndexesAsync(IMongoDatabase database, CancellationToken cancellationToken) =>
        database.GetCollection<ReactionDocument>("reactions").Indexes.CreateOneAsync(
            new CreateIndexModel<ReactionDocument>(
                Builders<ReactionDocument>.IndexKeys.Ascending(r => r.MessageId).Ascending(r => r.CreatedAt),
                new CreateIndexOptions { Name = "messageId_createdAt" }),
            cancellationToken: cancellationToken);

    /// <summary>False when this person had this emoji on it already.</summary>
    public Task<bool> AddAsync(ReactionDocument reaction, CancellationToken cancellationToken) =>
        _reactions.TryInsertOneAsync(reaction, cancellationToken);

    /// <summary>False when there was nothing to remove.</summary>
    public async Task<bool> RemoveAsync(string messageId, string userId, string emoji, CancellationToken cancellationToken) =>
        (await _reactions.DeleteOneAsync(R.Eq(r => r.Id, ReactionDocument.IdOf(messageId, userId, emoji)), cancellationToken)).DeletedCount > 0;

    /// <summary>Every reaction on these messages, oldest first.</summary>
    public async Task<List<ReactionDocument>> OnAsync(IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken) =>
        messageIds.Count == 0
            ? []
            : await _reactions.Find(R.In(r => r.MessageId, messageIds)).SortBy(r => r.CreatedAt).ThenBy(r => r.Id).ToListAsync(cancellationToken);

    public Task RemoveAllAsync(string messageId, CancellationToken cancellationToken) =>
        _reactions.DeleteManyAsync(R.Eq(r => r.MessageId, messageId), cancellationToken);
}

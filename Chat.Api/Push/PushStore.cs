using MongoDB.Driver;

namespace Chat.Api.Push;

/// <summary>The <c>push_subscriptions</c> and <c>mutes</c> collections: who is reached where, and what they silenced.</summary>
public sealed class PushStore(IMongoDatabase database)
{
    private readonly IMongoCollection<PushSubscriptionDocument> _subscriptions = database.GetCollection<PushSubscriptionDocument>("push_subscriptions");
    private readonly IMongoCollection<MuteDocument> _mutes = database.GetCollection<MuteDocument>("mutes");
    private static readonly FilterDefinitionBuilder<PushSubscriptionDocument> S = Builders<PushSubscriptionDocument>.Filter;
    private static readonly FilterDefinitionBuilder<MuteDocument> M = Builders<MuteDocument>.Filter;

    public static async Task CreateIndexesAsync(IMongoDatabase database, CancellationToken cancellationToken)
    {
        await database.GetCollection<PushSubscriptionDocument>("push_subscriptions").Indexes.CreateManyAsync(
        [
            new(Builders<PushSubscriptionDocument>.IndexKeys.Ascending(s => s.UserId), new CreateIndexOptions { Name = "userId" }),
            new(Builders<PushSubscriptionDocument>.IndexKeys.Ascending(s => s.SessionId), new CreateIndexOptions { Name = "sessionId" }),
        ], cancellationToken);
        await database.GetCollection<MuteDocument>("mutes").Indexes.CreateManyAsync(
            [new(Builders<MuteDocument>.IndexKeys.Ascending(m => m.UserId), new CreateIndexOptions { Name = "userId" })], cancellationToken);
    }

    /// <summary>Stores the subscription; an endpoint registered before (by anyone) is replaced.</summary>
    public Task SaveAsync(PushSubscriptionDocument subscription, CancellationToken cancellationToken) =>
        _subscriptions.ReplaceOneAsync(S.Eq(s => s.Id, subscription.Id), subscription, new ReplaceOptions { IsUpsert = true }, cancellationToken);

    public Task<PushSubscriptionDocument?> FindAsync(string id, CancellationToken cancellationToken) =>
        _subscriptions.Find(S.Eq(s => s.Id, id)).FirstOrDefaultAsync(cancellationToken)!;

    public async Task<List<PushSubscriptionDocument>> OfUserAsync(string userId, CancellationToken cancellationToken) =>
        (await _subscriptions.Find(S.Eq(s => s.UserId, userId)).ToListAsync(cancellationToken)).OrderBy(s => s.CreatedAt).ToList();

    /// <summary>Removes one of the user's subscriptions; false when the user has none with that id.</summary>
    public async Task<bool> DeleteAsync(string userId, string id, CancellationToken cancellationToken) =>
        (await _subscriptions.DeleteOneAsync(S.Eq(s => s.Id, id) & S.Eq(s => s.UserId, userId), cancellationToken)).DeletedCount > 0;

    public Task DeleteOfSessionAsync(string userId, string sessionId, CancellationToken cancellationToken) =>
        _subscriptions.DeleteManyAsync(S.Eq(s => s.UserId, userId) & S.Eq(s => s.SessionId, sessionId), cancellationToken);

    public Task DeleteOfUserAsync(string userId, string? exceptSessionId, CancellationToken cancellationToken) =>
        _subscriptions.DeleteManyAsync(S.Eq(s => s.UserId, userId) & S.Ne(s => s.SessionId, exceptSessionId ?? ""), cancellationToken);

    public Task MuteAsync(string userId, string conversationId, DateTime at, CancellationToken cancellationToken) =>
        _mutes.UpdateOneAsync(
            M.Eq(m => m.Id, MuteDocument.IdOf(userId, conversationId)),
            Builders<MuteDocument>.Update
                .SetOnInsert(m => m.UserId, userId)
                .SetOnInsert(m => m.ConversationId, conversationId)
                .SetOnInsert(m => m.CreatedAt, at),
            new UpdateOptions { IsUpsert = true }, cancellationToken);

    public Task UnmuteAsync(string userId, string conversationId, CancellationToken cancellationToken) =>
        _mutes.DeleteOneAsync(M.Eq(m => m.Id, MuteDocument.IdOf(userId, conversationId)), cancellationToken);

    public Task DeleteMutesOfAsync(string userId, CancellationToken cancellationToken) =>
        _mutes.DeleteManyAsync(M.Eq(m => m.UserId, userId), cancellationToken);

    /// <summary>The conversation ids the user muted.</summary>
    public async Task<HashSet<string>> MutedByAsync(string userId, CancellationToken cancellationToken) =>
        (await _mutes.Find(M.Eq(m => m.UserId, userId)).ToListAsync(cancellationToken)).Select(m => m.ConversationId).ToHashSet();
}

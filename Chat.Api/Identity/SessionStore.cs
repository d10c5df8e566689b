using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;

namespace Chat.Api.Identity;

/// <summary>
/// One signed-in device: the truth about whether it was signed out (<see cref="EndedAt"/>), which
/// survives a Redis restart; Redis holds the fast copy (<see cref="Sessions"/>).
/// </summary>
public sealed record SessionDocument
{
    [BsonId]
    public required string Id { get; init; }
    public required string UserId { get; init; }
    /// <summary>"Chrome on Linux", from the User-Agent at sign-in.</summary>
    public required string Device { get; init; }
    /// <summary>The client address's network ("203.0.113.0/24"), never the address itself.</summary>
    public string? Place { get; init; }
    public required DateTime CreatedAt { get; init; }
    /// <summary>Coarse: written at most once per <see cref="Sessions.LiveFor"/>.</summary>
    public required DateTime LastActiveAt { get; init; }
    public required DateTime ExpiresAt { get; init; }
    public DateTime? EndedAt { get; init; }
}

/// <summary>The <c>sessions</c> collection.</summary>
public sealed class SessionStore(IMongoDatabase database)
{
    private readonly IMongoCollection<SessionDocument> _sessions = database.GetCollection<SessionDocument>("sessions");
    private static readonly FilterDefinitionBuilder<SessionDocument> F = Builders<SessionDocument>.Filter;

    public static Task CreateIndexesAsync(IMongoDatabase database, CancellationToken cancellationToken) =>
        database.GetCollection<SessionDocument>("sessions").Indexes.CreateManyAsync(
            [new(Builders<SessionDocument>.IndexKeys.Ascending(s => s.UserId), new CreateIndexOptions { Name = "userId" })], cancellationToken);

    public Task CreateAsync(SessionDocument session, CancellationToken cancellationToken) =>
        _sessions.ReplaceOneAsync(F.Eq(s => s.Id, session.Id), session, new ReplaceOptions { IsUpsert = true }, cancellationToken);

    public Task<SessionDocument?> FindAsync(string userId, string id, CancellationToken cancellationToken) =>
        _sessions.Find(F.Eq(s => s.Id, id) & F.Eq(s => s.UserId, userId)).FirstOrDefaultAsync(cancellationToken)!;

    /// <summary>The user's sessions not ended and not expired, newest first.</summary>
    public async Task<List<SessionDocument>> ActiveOfAsync(string userId, DateTime now, CancellationToken cancellationToken) =>
        (await _sessions.Find(F.Eq(s => s.UserId, userId)).ToListAsync(cancellationToken))
            .Where(s => s.EndedAt is null && s.ExpiresAt > now)
            .OrderByDescending(s => s.CreatedAt)
            .ToList();

    public Task TouchAsync(string id, DateTime at, CancellationToken cancellationToken) =>
        _sessions.UpdateOneAsync(F.Eq(s => s.Id, id), Builders<SessionDocument>.Update.Set(s => s.LastActiveAt, at), cancellationToken: cancellationToken);

    /// <summary>Ends the user's session; false when the user has no such session, or it had ended.</summary>
    public async Task<bool> EndAsync(string userId, string id, DateTime at, CancellationToken cancellationToken) =>
        (await _sessions.UpdateOneAsync(F.Eq(s => s.Id, id) & F.Eq(s => s.UserId, userId) & F.Eq(s => s.EndedAt, null),
            Builders<SessionDocument>.Update.Set(s => s.EndedAt, at), cancellationToken: cancellationToken)).ModifiedCount > 0;

    /// <summary>Ends every session of the user but <paramref name="exceptId"/>.</summary>
    public Task EndAllAsync(string userId, string? exceptId, DateTime at, CancellationToken cancellationToken) =>
        _sessions.UpdateManyAsync(F.Eq(s => s.UserId, userId) & F.Eq(s => s.EndedAt, null) & F.Ne(s => s.Id, exceptId ?? ""),
            Builders<SessionDocument>.Update.Set(s => s.EndedAt, at), cancellationToken: cancellationToken);
}

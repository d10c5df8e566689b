using System.Text.RegularExpressions;
using Chat.Api.Infrastructure.MongoDB;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Chat.Api.Accounts;

/// <summary>The <c>users</c> collection: accounts, the directory and session stamps.</summary>
public sealed class UserStore(IMongoDatabase database)
{
    private readonly IMongoCollection<UserDocument> _users = database.GetCollection<UserDocument>("users");
    private static readonly FilterDefinitionBuilder<UserDocument> Filter = Builders<UserDocument>.Filter;

    public static async Task CreateIndexesAsync(IMongoDatabase database, CancellationToken cancellationToken)
    {
        var keys = Builders<UserDocument>.IndexKeys;
        await database.GetCollection<UserDocument>("users").Indexes.CreateManyAsync(
        [
            // Uniqueness is the index's job: two concurrent sign-ups cannot both win.
            new(keys.Ascending(u => u.Email), new CreateIndexOptions { Unique = true, Name = "email_unique" }),
            // The directory's order and keyset, and prefix search on the whole name.
            new(keys.Ascending(u => u.FullNameKey).Ascending(u => u.Id), new CreateIndexOptions { Name = "fullNameKey_id" }),
            // Prefix search on any word of the name (multikey).
            new(keys.Ascending(u => u.NameWords), new CreateIndexOptions { Name = "nameWords" }),
        ], cancellationToken);
    }

    /// <summary>Inserts the user; false when the email is taken.</summary>
    public Task<bool> TryCreateAsync(UserDocument user, CancellationToken cancellationToken) =>
        _users.TryInsertOneAsync(user, cancellationToken);

    public async Task<UserDocument?> FindByEmailAsync(string normalizedEmail, CancellationToken cancellationToken) =>
        await _users.Find(Filter.Eq(u => u.Email, normalizedEmail)).FirstOrDefaultAsync(cancellationToken);

    public async Task<UserDocument?> FindByIdAsync(string id, CancellationToken cancellationToken) =>
        ObjectId.TryParse(id, out _)
            ? await _users.Find(Filter.Eq(u => u.Id, id)).FirstOrDefaultAsync(cancellationToken)
            : null;

    public async Task<List<UserDocument>> FindManyAsync(IEnumerable<string> ids, CancellationToken cancellationToken) =>
        await _users.Find(Filter.In(u => u.Id, ids.Where(id => ObjectId.TryParse(id, out _)))).ToListAsync(cancellationToken);

    public async Task<UserDocument?> UpdateFullNameAsync(string id, string fullName, CancellationToken cancellationToken) =>
        await _users.FindOneAndUpdateAsync(
            Filter.Eq(u => u.Id, id),
            Builders<UserDocument>.Update
                .Set(u => u.FullName, fullName)
                .Set(u => u.FullNameKey, UserDocument.KeyOf(fullName))
                .Set(u => u.NameWords, UserDocument.WordsOf(fullName)),
            new FindOneAndUpdateOptions<UserDocument> { ReturnDocument = ReturnDocument.After },
            cancellationToken);

    public async Task<UserDocument?> SetAvatarAsync(string id, string avatarUrl, CancellationToken cancellationToken) =>
        await _users.FindOneAndUpdateAsync(
            Filter.Eq(u => u.Id, id),
            Builders<UserDocument>.Update.Set(u => u.AvatarUrl, avatarUrl),
            new FindOneAndUpdateOptions<UserDocument> { ReturnDocument = ReturnDocument.After },
            cancellationToken);

    public async Task SetLastSeenAsync(string id, DateTime lastSeenAt, CancellationToken cancellationToken) =>
        await _users.UpdateOneAsync(Filter.Eq(u => u.Id, id), Builders<UserDocument>.Update.Set(u => u.LastSeenAt, lastSeenAt),
            cancellationToken: cancellationToken);

    public Task SetPrivacyAsync(string id, Privacy.PrivacyDocument privacy, CancellationToken cancellationToken) =>
        _users.UpdateOneAsync(Filter.Eq(u => u.Id, id), Builders<UserDocument>.Update.Set(u => u.Privacy, privacy), cancellationToken: cancellationToken);

    /// <summary>
    /// The account is gone: the email is free again (an address under <c>.invalid</c> takes its
    /// place), the name, avatar and password go, and the empty name key keeps it out of
    /// the directory. The document stays, so messages still name a sender.
    /// </summary>
    public Task MarkDeletedAsync(string id, DateTime at, CancellationToken cancellationToken) =>
        _users.UpdateOneAsync(Filter.Eq(u => u.Id, id), Builders<UserDocument>.Update
                .Set(u => u.DeletedAt, at)
                .Set(u => u.Email, $"{id}@deleted.invalid")
                .Set(u => u.FullName, UserDocument.DeletedName)
                .Set(u => u.FullNameKey, "")
                .Set(u => u.NameWords, Array.Empty<string>())
                .Set(u => u.PasswordHash, "")
                .Set(u => u.AvatarUrl, null)
                .Set(u => u.LastSeenAt, null),
            cancellationToken: cancellationToken);

    /// <summary>Gives the user a new session stamp, which ends every session issued before.</summary>
    public Task SetPasswordHashAsync(string id, string passwordHash, CancellationToken cancellationToken) =>
        _users.UpdateOneAsync(Builders<UserDocument>.Filter.Eq(u => u.Id, id),
            Builders<UserDocument>.Update.Set(u => u.PasswordHash, passwordHash), cancellationToken: cancellationToken);

    public async Task<string> RenewSessionStampAsync(string id, CancellationToken cancellationToken)
    {
        var stamp = NewSessionStamp();
        await _users.UpdateOneAsync(Filter.Eq(u => u.Id, id), Builders<UserDocument>.Update.Set(u => u.SessionStamp, stamp),
            cancellationToken: cancellationToken);
        return stamp;
    }

    public static string NewSessionStamp() => Guid.NewGuid().ToString("N");

    /// <summary>
    /// One page of the directory ordered by name then id, everyone but <paramref name="exceptId"/>,
    /// optionally only names (whole or any word) starting with <paramref name="prefix"/>, or the
    /// one user whose whole email it is. Emails are never matched by prefix: that would let
    /// anyone recover an address one character at a time.
    /// Keyset paging: the page after (name, id) starts strictly after it, whatever was inserted since.
    /// </summary>
    public async Task<(IReadOnlyList<UserDocument> Items, bool HasMore)> SearchAsync(
        string exceptId, string? prefix, (string NameKey, string Id)? after, int limit, CancellationToken cancellationToken)
    {
        // Every name has a key; a deleted account has none.
        var filter = Filter.Ne(u => u.Id, exceptId) & Filter.Gt(u => u.FullNameKey, "");
        if (!string.IsNullOrEmpty(prefix))
        {
            // Anchored, case-folded, escaped: an index range scan, and no regex injection.
            var folded = prefix.ToLowerInvariant();
            var pattern = new BsonRegularExpression("^" + Regex.Escape(folded));
            filter &= Filter.Or(
                Filter.Regex(u => u.FullNameKey, pattern),
                Filter.Regex("nameWords", pattern),
                Filter.Eq(u => u.Email, folded));
        }
        if (after is var (nameKey, id))
        {
            filter &= Filter.Or(
                Filter.Gt(u => u.FullNameKey, nameKey),
                Filter.And(Filter.Eq(u => u.FullNameKey, nameKey), Filter.Gt(u => u.Id, id)));
        }

        var page = await _users.Find(filter)
            .Sort(Builders<UserDocument>.Sort.Ascending(u => u.FullNameKey).Ascending(u => u.Id))
            .Limit(limit + 1)
            .ToListAsync(cancellationToken);
        return page.Count > limit ? (page[..limit], true) : (page, false);
    }
}

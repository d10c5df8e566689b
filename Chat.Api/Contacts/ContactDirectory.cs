using Chat.Api.Accounts;
using Chat.Api.Contracts;
using Chat.Api.Presence;
using Chat.Api.Validation;

namespace Chat.Api.Contacts;

/// <summary>Other users as a user sees them: name, avatar and presence; searched by name, paged by an opaque cursor.</summary>
public sealed class ContactDirectory(UserStore users, PresenceTracker presence)
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;
    public const int MaxQueryLength = 100;

    /// <summary>Everyone but the user, ordered by name then id; <paramref name="q"/> matches a prefix of the name or of any word of it, or a whole email.</summary>
    public async Task<(ContactPage? Page, ClientError? Error)> SearchAsync(
        string userId, string? q, string? cursor, int? limit, CancellationToken cancellationToken)
    {
        var query = q?.Trim();
        var after = string.IsNullOrEmpty(cursor) ? null : DirectoryCursor.TryDecode(cursor);
        var pageSize = limit ?? DefaultPageSize;
        var errors = new ValidationErrors()
            .Check(pageSize is >= 1 and <= MaxPageSize, "limit", $"limit must be 1 to {MaxPageSize}.")
            .Check(query is null || query.Length <= MaxQueryLength, "q", $"q must be at most {MaxQueryLength} characters.")
            .Check(query is null || !query.Any(char.IsControl), "q", "q must not contain control characters.")
            .Check(string.IsNullOrEmpty(cursor) || after is not null, "cursor", "cursor is not one this API returned.");
        if (ClientError.From(errors) is { } invalid) return (null, invalid);

        var (items, hasMore) = await users.SearchAsync(userId, query, after is null ? null : (after.NameKey, after.Id), pageSize, cancellationToken);
        var next = hasMore ? new DirectoryCursor(items[^1].FullNameKey, items[^1].Id).Encode() : null;
        return (new ContactPage(await WithPresenceAsync(items), next), null);
    }

    /// <summary>These users as contacts, by id (ids of no user are left out).</summary>
    public async Task<Dictionary<string, ContactResponse>> FindManyAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
        (await WithPresenceAsync(await users.FindManyAsync(ids, cancellationToken))).ToDictionary(c => c.Id);

    private async Task<List<ContactResponse>> WithPresenceAsync(IReadOnlyList<UserDocument> found)
    {
        var online = await presence.OnlineAmongAsync(found.Select(u => u.Id).ToList());
        return found.Select(u => u.ToContact(online.Contains(u.Id))).ToList();
    }
}

using Chat.Api.Accounts;
using Chat.Api.Blocking;
using Chat.Api.Contracts;
using Chat.Api.Presence;
using Chat.Api.Validation;

namespace Chat.Api.Contacts;

/// <summary>Other users as a user sees them: name, avatar and presence; searched by name, paged by an opaque cursor.</summary>
public sealed class ContactDirectory(UserStore users, PresenceTracker presence, PresenceAudience audience, BlockList blocks)
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
        return (new ContactPage((await AsSeenByAsync(userId, items, cancellationToken)).Contacts, next), null);
    }

    /// <summary>
    /// These users as <paramref name="viewerId"/> sees them, by id (ids of no user are left out),
    /// and which of them a block separates from the viewer either way (their read marks are hidden too).
    /// </summary>
    public async Task<(Dictionary<string, ContactResponse> Contacts, HashSet<string> Separated)> FindManyAsync(
        string viewerId, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        var (contacts, separated) = await AsSeenByAsync(viewerId, await users.FindManyAsync(ids, cancellationToken), cancellationToken);
        return (contacts.ToDictionary(c => c.Id), separated);
    }

    /// <summary>The people the user blocked, most recent first.</summary>
    public async Task<List<ContactResponse>> BlockedAsync(string userId, CancellationToken cancellationToken)
    {
        var ids = await blocks.BlockedByAsync(userId, cancellationToken);
        var (found, _) = await FindManyAsync(userId, ids, cancellationToken);
        return ids.Where(found.ContainsKey).Select(id => found[id]).ToList();
    }

    // Presence, unless a block stands between the two either way or their "last seen" choice
    // leaves the viewer out; and whether the viewer blocked them.
    private async Task<(List<ContactResponse> Contacts, HashSet<string> Separated)> AsSeenByAsync(
        string viewerId, IReadOnlyList<UserDocument> found, CancellationToken cancellationToken)
    {
        var ids = found.Select(u => u.Id).ToList();
        var online = await presence.OnlineAmongAsync(ids);
        var (iBlocked, blockedMe) = await blocks.AmongAsync(viewerId, ids, cancellationToken);
        var separated = iBlocked.Union(blockedMe).ToHashSet();
        var hidden = (await audience.HiddenFromAsync(viewerId, found, cancellationToken)).Union(separated).ToHashSet();
        return (found.Select(u => u.ToContact(online.Contains(u.Id), iBlocked.Contains(u.Id), presenceHidden: hidden.Contains(u.Id))).ToList(),
            separated);
    }
}

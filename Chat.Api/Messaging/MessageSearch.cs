using Chat.Api.Contacts;
using Chat.Api.Contracts;
using Chat.Api.Groups;
using Chat.Api.Validation;
using MongoDB.Bson;

namespace Chat.Api.Messaging;

/// <summary>
/// Searching one's own messages: across all of the caller's conversations, or one (<c>peerId</c>
/// or <c>conversationId</c>), a group's within the caller's windows;
/// every word of the query must appear (whole words, case and accents ignored:
/// <see cref="SearchWords"/>); newest first, paged by the last hit's id. Nobody finds another
/// pair's messages: the search runs only over the caller's conversations.
/// </summary>
public sealed class MessageSearch(
    MessageStore messages, MessageViews views, ConversationAccess access, GroupStore groupStore, GroupMembers groups, ContactDirectory contacts)
{
    public const int MaxQueryLength = 100;
    public const int MaxWords = 10;
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 50;

    public async Task<(SearchPage? Page, ClientError? Error)> SearchAsync(
        string userId, string? q, string? peerId, string? conversationId, string? before, int? limit, CancellationToken cancellationToken)
    {
        var query = q?.Trim() ?? "";
        var words = SearchWords.Split(query).Distinct().ToList();
        var pageSize = limit ?? DefaultPageSize;
        var errors = new ValidationErrors()
            .Check(query.Length is > 0 and <= MaxQueryLength, "q", $"q must be 1 to {MaxQueryLength} characters.")
            .Check(!query.Any(char.IsControl), "q", "q must not contain control characters.")
            .Check(query.Length == 0 || words.Count > 0, "q", "q needs at least one word (letters or digits).")
            .Check(words.Count <= MaxWords, "q", $"q may have at most {MaxWords} words.")
            .Check(peerId is null || conversationId is null, "conversationId", "Give peerId or conversationId, not both.")
            .Check(before is null || Cursor.TryDecode(before) is not null, "before", "before is not a cursor this API returned.")
            .Check(pageSize is >= 1 and <= MaxPageSize, "limit", $"limit must be 1 to {MaxPageSize}.");
        if (ClientError.From(errors) is { } invalid) return (null, invalid);

        List<(string ConversationId, IReadOnlyList<SeqWindow>? Windows)> readable;
        if (peerId is not null || conversationId is not null)
        {
            var (grant, refused) = peerId is not null
                ? await access.ResolveAsync(userId, ConversationRef.Pair(peerId), ConversationNeed.Read, cancellationToken)
                : await access.ByIdAsync(userId, conversationId!, ConversationNeed.Read, cancellationToken);
            if (grant is null) return (null, refused);
            readable = [(grant.ConversationId, grant.Windows)];
        }
        else
        {
            var pairs = messages.ConversationIdsOfAsync(userId, cancellationToken);
            var memberships = groupStore.MembershipsOfAsync(userId, cancellationToken);
            readable = [.. (await pairs).Select(id => (id, (IReadOnlyList<SeqWindow>?)null)),
                .. (await memberships).Where(m => m.EverIn && (m.IsIn || m.Listed)).Select(m => (m.GroupId, (IReadOnlyList<SeqWindow>?)m.Windows))];
            if (readable.Count == 0) return (new SearchPage([], null), null);
        }

        var (found, hasMore) = await messages.SearchAsync(readable, words, before is null ? null : Cursor.TryDecode(before), pageSize, cancellationToken);
        var seen = await views.ForAsync(userId, found, cancellationToken);
        string? PeerOf(MessageResponse m) => m.RecipientId is null ? null : m.SenderId == userId ? m.RecipientId : m.SenderId;
        var (people, _) = await contacts.FindManyAsync(userId, seen.Select(PeerOf).OfType<string>().Distinct().ToList(), cancellationToken);
        var inGroups = (await Task.WhenAll(seen.Where(m => m.RecipientId is null).Select(m => m.ConversationId).Distinct()
                .Select(id => groups.GetAsync(id, cancellationToken))))
            .OfType<GroupSnapshot>().ToDictionary(g => g.Group.Id, g => g.InfoFor(userId));
        var hits = seen
            .Select(m => PeerOf(m) is { } peer
                ? people.TryGetValue(peer, out var contact) ? new SearchHit(m, contact, null) : null
                : inGroups.TryGetValue(m.ConversationId, out var group) ? new SearchHit(m, null, group) : null)
            .OfType<SearchHit>()
            .ToList();
        return (new SearchPage(hits, hasMore ? Cursor.Encode(found[^1]) : null), null);
    }

    // "{createdAt as Unix ms}.{id}": the last hit's place in the order (newest first, then by id).
    private static class Cursor
    {
        public static string Encode(MessageDocument last) =>
            FormattableString.Invariant($"{new DateTimeOffset(last.CreatedAt).ToUnixTimeMilliseconds()}.{last.Id}");

        public static (DateTime CreatedAt, string Id)? TryDecode(string cursor) =>
            cursor.Split('.') is [var ms, var id] && long.TryParse(ms, System.Globalization.NumberStyles.None, null, out var unixMs)
                && unixMs < 253402300800000 && ObjectId.TryParse(id, out _)
                ? (DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime, id)
                : null;
    }
}

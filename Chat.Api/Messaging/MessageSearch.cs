using Chat.Api.Contacts;
using Chat.Api.Contracts;
using Chat.Api.Validation;
using MongoDB.Bson;

namespace Chat.Api.Messaging;

/// <summary>
/// Searching one's own messages: across all of the caller's conversations, or one (<c>peerId</c>);
/// every word of the query must appear (whole words, case and accents ignored:
/// <see cref="SearchWords"/>); newest first, paged by the last hit's id. Nobody finds another
/// pair's messages: the search runs only over the caller's conversations.
/// </summary>
public sealed class MessageSearch(MessageStore messages, MessageViews views, PeerCheck peers, ContactDirectory contacts)
{
    public const int MaxQueryLength = 100;
    public const int MaxWords = 10;
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 50;

    public async Task<(SearchPage? Page, ClientError? Error)> SearchAsync(
        string userId, string? q, string? peerId, string? before, int? limit, CancellationToken cancellationToken)
    {
        var query = q?.Trim() ?? "";
        var words = SearchWords.Split(query).Distinct().ToList();
        var pageSize = limit ?? DefaultPageSize;
        var errors = new ValidationErrors()
            .Check(query.Length is > 0 and <= MaxQueryLength, "q", $"q must be 1 to {MaxQueryLength} characters.")
            .Check(!query.Any(char.IsControl), "q", "q must not contain control characters.")
            .Check(query.Length == 0 || words.Count > 0, "q", "q needs at least one word (letters or digits).")
            .Check(words.Count <= MaxWords, "q", $"q may have at most {MaxWords} words.")
            .Check(before is null || Cursor.TryDecode(before) is not null, "before", "before is not a cursor this API returned.")
            .Check(pageSize is >= 1 and <= MaxPageSize, "limit", $"limit must be 1 to {MaxPageSize}.");
        if (ClientError.From(errors) is { } invalid) return (null, invalid);

        List<string> conversationIds;
        if (peerId is not null)
        {
            if (await peers.CheckAsync(userId, peerId, cancellationToken) is { } peerError) return (null, peerError);
            conversationIds = [ConversationIds.For(userId, peerId)];
        }
        else
        {
            conversationIds = await messages.ConversationIdsOfAsync(userId, cancellationToken);
            if (conversationIds.Count == 0) return (new SearchPage([], null), null);
        }

        var (found, hasMore) = await messages.SearchAsync(conversationIds, words, before is null ? null : Cursor.TryDecode(before), pageSize, cancellationToken);
        var seen = await views.ForAsync(userId, found, cancellationToken);
        string PeerOf(MessageResponse m) => m.SenderId == userId ? m.RecipientId : m.SenderId;
        var (people, _) = await contacts.FindManyAsync(userId, seen.Select(PeerOf).Distinct().ToList(), cancellationToken);
        var hits = seen.Where(m => people.ContainsKey(PeerOf(m))).Select(m => new SearchHit(m, people[PeerOf(m)])).ToList();
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

using Chat.Api.Infrastructure.MongoDB;
using MongoDB.Driver;

namespace Chat.Api.Messaging;

/// <summary>The <c>messages</c> and <c>conversations</c> collections.</summary>
public sealed class MessageStore(IMongoDatabase database)
{
    public const string ConversationSeqIndex = "conversation_seq";

    private readonly IMongoCollection<MessageDocument> _messages = database.GetCollection<MessageDocument>("messages");
    private readonly IMongoCollection<ConversationDocument> _conversations = database.GetCollection<ConversationDocument>("conversations");
    private static readonly FilterDefinitionBuilder<MessageDocument> M = Builders<MessageDocument>.Filter;
    private static readonly FilterDefinitionBuilder<ConversationDocument> C = Builders<ConversationDocument>.Filter;

    public static async Task CreateIndexesAsync(IMongoDatabase database, CancellationToken cancellationToken)
    {
        var messageKeys = Builders<MessageDocument>.IndexKeys;
        await database.GetCollection<MessageDocument>("messages").Indexes.CreateManyAsync(
        [
            // History pages and catch-up are range scans on this index, the same cost at any depth;
            // unique, so two writers can never share a seq.
            new(messageKeys.Ascending(m => m.ConversationId).Ascending(m => m.Seq),
                new CreateIndexOptions { Unique = true, Name = ConversationSeqIndex }),
            // A retried send finds the original instead of storing a second copy.
            new(messageKeys.Ascending(m => m.SenderId).Ascending(m => m.ClientMessageId),
                new CreateIndexOptions { Unique = true, Name = "sender_clientMessageId" }),
            // Search: the first word of the query selects the range, newest first per
            // conversation (merged across the caller's conversations); the other words filter.
            new(messageKeys.Ascending(m => m.SearchWords).Ascending(m => m.ConversationId).Descending(m => m.CreatedAt).Descending(m => m.Id),
                new CreateIndexOptions { Name = "searchWords_conversation_createdAt" }),
        ], cancellationToken);
        await database.GetCollection<ConversationDocument>("conversations").Indexes.CreateOneAsync(
            new CreateIndexModel<ConversationDocument>(
                Builders<ConversationDocument>.IndexKeys.Ascending(c => c.Participants).Descending(c => c.LastMessageAt),
                new CreateIndexOptions { Name = "participants_lastMessageAt" }),
            cancellationToken: cancellationToken);
    }

    /// <summary>
    /// Inserts the messages in order in one command. On a refusal (a unique index) mongod keeps
    /// the ones before the refused one, the MongoDB-wire stand-in none: <see cref="StoredOfAsync"/>
    /// tells which were kept.
    /// </summary>
    public async Task InsertAsync(IReadOnlyList<MessageDocument> messages, CancellationToken cancellationToken)
    {
        if (messages.Count == 1) await _messages.InsertOneAsync(messages[0], cancellationToken: cancellationToken);
        else await _messages.InsertManyAsync(messages, new InsertManyOptions { IsOrdered = true }, cancellationToken);
    }

    /// <summary>Which of these message ids are stored.</summary>
    public async Task<HashSet<string>> StoredOfAsync(IEnumerable<string> ids, CancellationToken cancellationToken) =>
        // Whole documents, not a projection: the stand-in ignores projections.
        (await _messages.Find(M.In(m => m.Id, ids)).ToListAsync(cancellationToken)).Select(m => m.Id).ToHashSet();

    /// <summary>The highest stored seq of the conversation (0 when it has none).</summary>
    public async Task<long> LastSeqAsync(string conversationId, CancellationToken cancellationToken)
    {
        var last = await _messages.Find(M.Eq(m => m.ConversationId, conversationId))
            .Sort(Builders<MessageDocument>.Sort.Descending(m => m.Seq)).Limit(1)
            .FirstOrDefaultAsync(cancellationToken);
        return last?.Seq ?? 0;
    }

    /// <summary>
    /// Each conversation's summary follows its newest message (one command for all of them); an
    /// older writer arriving late changes nothing ($lt on lastSeq). The first message creates
    /// it, both read seqs at 0, and so does a later one whose summary was lost.
    /// </summary>
    public async Task TouchConversationsAsync(IReadOnlyCollection<MessageDocument> newestPerConversation, CancellationToken cancellationToken)
    {
        try
        {
            await _conversations.BulkWriteAsync(newestPerConversation.Select(Touch),
                new BulkWriteOptions { IsOrdered = false }, cancellationToken);
        }
        catch (MongoException ex) when (ex.IsDuplicateKey())
        {
            // A conversation exists and a later message (another replica's) already updated it:
            // its upsert was refused. The stand-in then refuses the whole command, so each
            // conversation is touched alone, and the refused one is left as it is.
            foreach (var message in newestPerConversation)
            {
                try
                {
                    await _conversations.BulkWriteAsync([Touch(message)], cancellationToken: cancellationToken);
                }
                catch (MongoException one) when (one.IsDuplicateKey())
                {
                }
            }
        }
    }

    // A pair's document is made by its first message; a group's exists before its first event.
    private static UpdateOneModel<ConversationDocument> Touch(MessageDocument message)
    {
        var update = Builders<ConversationDocument>.Update
            .Set(c => c.LastSeq, message.Seq)
            .Set(c => c.LastMessageId, message.Id)
            .Set(c => c.LastMessageAt, message.CreatedAt);
        if (message.RecipientId is { } recipientId)
        {
            update = update
                .SetOnInsert(c => c.Participants, new[] { message.SenderId, recipientId })
                .SetOnInsert(c => c.ReadSeqs, new Dictionary<string, long> { [message.SenderId] = 0, [recipientId] = 0 });
        }
        return new(C.Eq(c => c.Id, message.ConversationId) & C.Lt(c => c.LastSeq, message.Seq), update)
        {
            IsUpsert = message.RecipientId is not null,
        };
    }

    /// <summary>The conversation's messages a reader may see: all of a pair, a group's within the reader's windows.</summary>
    public static FilterDefinition<MessageDocument> Readable(string conversationId, IReadOnlyList<Groups.SeqWindow>? windows)
    {
        var inConversation = M.Eq(m => m.ConversationId, conversationId);
        if (windows is null) return inConversation;
        if (windows.Count == 0) return inConversation & M.Lt(m => m.Seq, 0);
        return inConversation & M.Or(windows.Select(w => w.To is { } to
            ? M.Gte(m => m.Seq, w.From) & M.Lte(m => m.Seq, to)
            : M.Gte(m => m.Seq, w.From)));
    }

    /// <summary>
    /// The conversations with their summaries brought up to their newest stored message: a
    /// summary may trail its messages (MessageWriter writes it after them, or a replica stopped
    /// in between). One query, an index range per conversation that is empty when it is current.
    /// </summary>
    public async Task<List<ConversationDocument>> CatchUpAsync(IReadOnlyCollection<ConversationDocument> conversations, CancellationToken cancellationToken)
    {
        if (conversations.Count == 0) return [];
        var newer = await _messages.Find(M.Or(conversations.Select(c => M.Eq(m => m.ConversationId, c.Id) & M.Gt(m => m.Seq, c.LastSeq))))
            .ToListAsync(cancellationToken);
        var newest = newer.GroupBy(m => m.ConversationId).ToDictionary(g => g.Key, g => g.MaxBy(m => m.Seq)!);
        return conversations.Select(c => newest.TryGetValue(c.Id, out var last)
            ? c with { LastSeq = last.Seq, LastMessageId = last.Id, LastMessageAt = last.CreatedAt }
            : c).ToList();
    }

    public async Task<MessageDocument?> FindByClientMessageIdAsync(string senderId, string clientMessageId, CancellationToken cancellationToken) =>
        await _messages.Find(M.Eq(m => m.SenderId, senderId) & M.Eq(m => m.ClientMessageId, clientMessageId))
            .FirstOrDefaultAsync(cancellationToken);

    public async Task<MessageDocument?> FindByIdAsync(string id, CancellationToken cancellationToken) =>
        await _messages.Find(M.Eq(m => m.Id, id)).FirstOrDefaultAsync(cancellationToken);

    /// <summary>
    /// Up to <paramref name="limit"/> messages ascending by seq: the newest ones below
    /// <paramref name="before"/> (or the newest of all), or the oldest ones above <paramref name="after"/>.
    /// </summary>
    public async Task<(List<MessageDocument> Items, bool HasMore)> PageAsync(
        string conversationId, IReadOnlyList<Groups.SeqWindow>? windows, long? before, long? after, int limit, CancellationToken cancellationToken)
    {
        var inConversation = Readable(conversationId, windows);
        var sort = Builders<MessageDocument>.Sort;
        List<MessageDocument> page;
        if (after is { } afterSeq)
        {
            page = await _messages.Find(inConversation & M.Gt(m => m.Seq, afterSeq))
                .Sort(sort.Ascending(m => m.Seq)).Limit(limit + 1).ToListAsync(cancellationToken);
        }
        else
        {
            var filter = before is { } beforeSeq ? inConversation & M.Lt(m => m.Seq, beforeSeq) : inConversation;
            page = await _messages.Find(filter).Sort(sort.Descending(m => m.Seq)).Limit(limit + 1).ToListAsync(cancellationToken);
        }
        var hasMore = page.Count > limit;
        if (hasMore) page.RemoveAt(page.Count - 1);
        if (after is null) page.Reverse();
        return (page, hasMore);
    }

    /// <summary>
    /// Messages of these conversations holding every one of <paramref name="words"/>, newest first,
    /// after <paramref name="before"/> in that order when given; one more than <paramref name="limit"/> tells whether more follow.
    /// </summary>
    public async Task<(List<MessageDocument> Items, bool HasMore)> SearchAsync(
        IReadOnlyCollection<(string ConversationId, IReadOnlyList<Groups.SeqWindow>? Windows)> conversations, IReadOnlyList<string> words,
        (DateTime CreatedAt, string Id)? before, int limit, CancellationToken cancellationToken)
    {
        // Pairs in one $in; each group with the reader's windows.
        var pairs = conversations.Where(c => c.Windows is null).Select(c => c.ConversationId).ToList();
        var readable = conversations.Where(c => c.Windows is not null).Select(c => Readable(c.ConversationId, c.Windows)).ToList();
        if (pairs.Count > 0) readable.Add(M.In(m => m.ConversationId, pairs));
        var filter = M.All(m => m.SearchWords, words) & (readable.Count == 1 ? readable[0] : M.Or(readable));
        if (before is var (createdAt, id))
        {
            filter &= M.Lt(m => m.CreatedAt, createdAt) | (M.Eq(m => m.CreatedAt, createdAt) & M.Lt(m => m.Id, id));
        }
        var found = await _messages.Find(filter)
            .Sort(Builders<MessageDocument>.Sort.Descending(m => m.CreatedAt).Descending(m => m.Id)).Limit(limit + 1)
            .ToListAsync(cancellationToken);
        var hasMore = found.Count > limit;
        if (hasMore) found.RemoveAt(found.Count - 1);
        return (found, hasMore);
    }

    /// <summary>The ids of every pair the user is in (groups list their members elsewhere).</summary>
    public async Task<List<string>> ConversationIdsOfAsync(string userId, CancellationToken cancellationToken) =>
        (await _conversations.Find(C.AnyEq(c => c.Participants, userId)).ToListAsync(cancellationToken)).Select(c => c.Id).ToList();

    public async Task<ConversationDocument?> FindConversationAsync(string conversationId, CancellationToken cancellationToken) =>
        await _conversations.Find(C.Eq(c => c.Id, conversationId)).FirstOrDefaultAsync(cancellationToken);

    /// <summary>The user's pairs, most recent activity first.</summary>
    public async Task<List<ConversationDocument>> ConversationsOfAsync(string userId, int limit, CancellationToken cancellationToken) =>
        await _conversations.Find(C.AnyEq(c => c.Participants, userId))
            .Sort(Builders<ConversationDocument>.Sort.Descending(c => c.LastMessageAt)).Limit(limit)
            .ToListAsync(cancellationToken);

    public async Task<List<MessageDocument>> FindManyAsync(IEnumerable<string> ids, CancellationToken cancellationToken) =>
        await _messages.Find(M.In(m => m.Id, ids)).ToListAsync(cancellationToken);

    /// <summary>
    /// Per conversation, how many messages others sent above the user's read seq and up to the
    /// last seq the user may read (one query), and of those, how many mention the user (one more, only when asked).
    /// </summary>
    public async Task<(Dictionary<string, long> Unread, Dictionary<string, long> Mentions)> UnreadCountsAsync(
        string userId, IReadOnlyCollection<(string ConversationId, long ReadSeq, long UpTo)> conversations, bool countMentions,
        CancellationToken cancellationToken)
    {
        var unread = conversations.Where(c => c.UpTo > c.ReadSeq).ToList();
        if (unread.Count == 0) return ([], []);
        var filter = M.Or(unread.Select(c =>
            M.Eq(m => m.ConversationId, c.ConversationId) & M.Gt(m => m.Seq, c.ReadSeq) & M.Lte(m => m.Seq, c.UpTo))) & M.Ne(m => m.SenderId, userId);
        var counts = CountAsync(filter, cancellationToken);
        var mentions = countMentions ? CountAsync(filter & M.AnyEq(m => m.Mentions, userId), cancellationToken) : Task.FromResult(new Dictionary<string, long>());
        return (await counts, await mentions);
    }

    private async Task<Dictionary<string, long>> CountAsync(FilterDefinition<MessageDocument> filter, CancellationToken cancellationToken) =>
        (await _messages.Aggregate()
            .Match(filter)
            .Group(m => m.ConversationId, group => new { ConversationId = group.Key, Count = group.Count() })
            .ToListAsync(cancellationToken))
        .ToDictionary(c => c.ConversationId, c => (long)c.Count);

    /// <summary>The messages at these (conversation, seq) places (one query).</summary>
    public async Task<List<MessageDocument>> FindAtAsync(IReadOnlyCollection<(string ConversationId, long Seq)> places, CancellationToken cancellationToken) =>
        places.Count == 0
            ? []
            : await _messages.Find(M.Or(places.Select(p => M.Eq(m => m.ConversationId, p.ConversationId) & M.Eq(m => m.Seq, p.Seq))))
                .ToListAsync(cancellationToken);

    /// <summary>
    /// A pair's document made before its first message, as a request to <paramref name="recipientId"/>
    /// (its first message's summary update then finds it). False when the pair has one already.
    /// </summary>
    public Task<bool> TryStartRequestAsync(string conversationId, string senderId, string recipientId, DateTime at, CancellationToken cancellationToken) =>
        _conversations.TryInsertOneAsync(new ConversationDocument
        {
            Id = conversationId,
            Participants = [senderId, recipientId],
            ReadSeqs = new() { [senderId] = 0, [recipientId] = 0 },
            RequestTo = recipientId,
            LastMessageAt = at,
        }, cancellationToken);

    /// <summary>The request to <paramref name="recipientId"/> becomes a conversation; false when it is none (any more).</summary>
    public async Task<bool> AcceptRequestAsync(string conversationId, string recipientId, CancellationToken cancellationToken) =>
        (await _conversations.UpdateOneAsync(C.Eq(c => c.Id, conversationId) & C.Eq(c => c.RequestTo, recipientId),
            Builders<ConversationDocument>.Update.Unset(c => c.RequestTo).Unset(c => c.DeclinedUpTo), cancellationToken: cancellationToken)).ModifiedCount > 0;

    /// <summary>The request to <paramref name="recipientId"/> is hidden from them up to <paramref name="upToSeq"/>; false when it is none.</summary>
    public async Task<bool> DeclineRequestAsync(string conversationId, string recipientId, long upToSeq, CancellationToken cancellationToken) =>
        (await _conversations.UpdateOneAsync(C.Eq(c => c.Id, conversationId) & C.Eq(c => c.RequestTo, recipientId),
            Builders<ConversationDocument>.Update.Set(c => c.DeclinedUpTo, upToSeq), cancellationToken: cancellationToken)).MatchedCount > 0;

    /// <summary>Moves the user's read seq forward to <paramref name="seq"/>; false when it was already there or beyond.</summary>
    public async Task<bool> MoveReadSeqAsync(string conversationId, string userId, long seq, CancellationToken cancellationToken)
    {
        var field = $"readSeqs.{userId}";
        var result = await _conversations.UpdateOneAsync(
            C.Eq(c => c.Id, conversationId) & C.Lt(field, seq),
            Builders<ConversationDocument>.Update.Set(field, seq),
            cancellationToken: cancellationToken);
        return result.ModifiedCount > 0;
    }

    /// <summary>
    /// Sets the user's read seq (a member joining a group: everything before their window counts
    /// as read). Unconditional: their earlier window, if any, ended below it.
    /// </summary>
    public Task SetReadSeqAsync(string conversationId, string userId, long seq, CancellationToken cancellationToken) =>
        _conversations.UpdateOneAsync(C.Eq(c => c.Id, conversationId), Builders<ConversationDocument>.Update.Set($"readSeqs.{userId}", seq),
            cancellationToken: cancellationToken);

    /// <summary>
    /// Every message of a deleted account becomes a tombstone, as a deleted message is (membership
    /// events stay: they carry no words of theirs). Never removed: the seqs of every history stay whole.
    /// </summary>
    public Task EraseMessagesOfAsync(string senderId, CancellationToken cancellationToken) =>
        _messages.UpdateManyAsync(M.Eq(m => m.SenderId, senderId) & M.Eq(m => m.Event, null) & M.Eq(m => m.Deleted, false),
            Builders<MessageDocument>.Update.Set(m => m.Text, null).Set(m => m.Image, null).Unset(m => m.SearchWords).Set(m => m.Deleted, true),
            cancellationToken: cancellationToken);

    /// <summary>Replaces the text of a live message of this sender; null when there is none.</summary>
    public async Task<MessageDocument?> EditAsync(string id, string senderId, string text, DateTime editedAt, CancellationToken cancellationToken) =>
        await _messages.FindOneAndUpdateAsync(
            M.Eq(m => m.Id, id) & M.Eq(m => m.SenderId, senderId) & M.Eq(m => m.Deleted, false),
            Builders<MessageDocument>.Update.Set(m => m.Text, text).Set(m => m.SearchWords, SearchWords.Of(text)).Set(m => m.EditedAt, editedAt),
            new FindOneAndUpdateOptions<MessageDocument> { ReturnDocument = ReturnDocument.After },
            cancellationToken);

    /// <summary>Notes that the message has reactions (so reading it looks them up).</summary>
    public Task MarkReactedAsync(string id, CancellationToken cancellationToken) =>
        _messages.UpdateOneAsync(M.Eq(m => m.Id, id), Builders<MessageDocument>.Update.Set(m => m.HasReactions, true), cancellationToken: cancellationToken);

    /// <summary>Removes the content of this sender's message and keeps a tombstone; null when there is none.</summary>
    public async Task<MessageDocument?> DeleteAsync(string id, string senderId, CancellationToken cancellationToken) =>
        await _messages.FindOneAndUpdateAsync(
            M.Eq(m => m.Id, id) & M.Eq(m => m.SenderId, senderId),
            Builders<MessageDocument>.Update.Set(m => m.Text, null).Set(m => m.Image, null).Unset(m => m.SearchWords).Set(m => m.Deleted, true),
            new FindOneAndUpdateOptions<MessageDocument> { ReturnDocument = ReturnDocument.After },
            cancellationToken);
}

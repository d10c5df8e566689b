using Chat.Api.Contacts;
using Chat.Api.Contracts;
using Chat.Api.Validation;

namespace Chat.Api.Messaging;

/// <summary>What a user reads: their conversation list and the history of one conversation (paged by seq).</summary>
public sealed class ConversationReader(
    MessageStore messages, MessageViews views, PeerCheck peers, ContactDirectory contacts, MessagingTelemetry telemetry)
{
    private const int MaxConversations = 200;

    /// <summary>
    /// The newest page (neither bound), the page before <paramref name="before"/>, or the
    /// messages after <paramref name="after"/> (catch-up); always ascending by seq.
    /// </summary>
    public async Task<(MessagePage? Page, ClientError? Error)> HistoryAsync(
        string userId, string? peerId, long? before, long? after, int? limit, CancellationToken cancellationToken)
    {
        var pageSize = limit ?? MessagingLimits.DefaultPageSize;
        var errors = new ValidationErrors()
            .Check(before is null || after is null, "before", "Give before or after, not both.")
            .Check(before is null or >= 1, "before", "before must be at least 1.")
            .Check(after is null or >= 0, "after", "after must be at least 0.")
            .Check(pageSize is >= 1 and <= MessagingLimits.MaxPageSize, "limit", $"limit must be 1 to {MessagingLimits.MaxPageSize}.");
        if (ClientError.From(errors) is { } invalid) return (null, invalid);
        if (await peers.CheckAsync(userId, peerId, cancellationToken) is { } peerError) return (null, peerError);

        if (after is not null) telemetry.CatchUps.Add(1);
        var (items, hasMore) = await messages.PageAsync(ConversationIds.For(userId, peerId!), before, after, pageSize, cancellationToken);
        return (new MessagePage(await views.ForAsync(userId, items, cancellationToken), hasMore), null);
    }

    /// <summary>The user's conversations, most recent activity first, each with its peer, last message and unread count.</summary>
    public async Task<List<ConversationResponse>> ConversationsAsync(string userId, CancellationToken cancellationToken)
    {
        var listed = await messages.ConversationsOfAsync(userId, MaxConversations, cancellationToken);
        if (listed.Count == 0) return [];
        // Summaries may trail their newest message by a moment: brought up to it, then ordered again.
        var conversations = (await messages.CatchUpAsync(listed, cancellationToken)).OrderByDescending(c => c.LastMessageAt).ToList();
        var peerIds = conversations.Select(c => c.PeerOf(userId)).ToList();
        var (peers, separated) = await contacts.FindManyAsync(userId, peerIds, cancellationToken);
        var lastMessages = (await views.ForAsync(userId, await messages.FindManyAsync(conversations.Select(c => c.LastMessageId!), cancellationToken), cancellationToken))
            .ToDictionary(m => m.Id);
        var unread = await messages.UnreadCountsAsync(userId, conversations, cancellationToken);

        return conversations
            .Where(c => peers.ContainsKey(c.PeerOf(userId)))
            .Select(c => new ConversationResponse(
                c.Id,
                peers[c.PeerOf(userId)],
                lastMessages.GetValueOrDefault(c.LastMessageId!),
                c.LastSeq,
                unread.GetValueOrDefault(c.Id),
                c.ReadSeqOf(userId),
                // Read marks are hidden across a block, like presence.
                separated.Contains(c.PeerOf(userId)) ? 0 : c.ReadSeqOf(c.PeerOf(userId))))
            .ToList();
    }
}

using Chat.Api.Contacts;
using Chat.Api.Contracts;
using Chat.Api.Groups;
using Chat.Api.Privacy;
using Chat.Api.Push;
using Chat.Api.Validation;

namespace Chat.Api.Messaging;

/// <summary>
/// What a user reads: their conversation list (pairs and groups) and the history of one
/// conversation (paged by seq, a group's within the reader's windows).
/// </summary>
public sealed class ConversationReader(
    MessageStore messages, MessageViews views, ConversationAccess access, GroupStore groupStore, GroupMembers groups,
    ContactDirectory contacts, PrivacySettings privacy, ConversationMutes mutes, MessagingTelemetry telemetry)
{
    private const int MaxConversations = 200;

    /// <summary>
    /// The newest page (neither bound), the page before <paramref name="before"/>, or the
    /// messages after <paramref name="after"/> (catch-up); always ascending by seq.
    /// </summary>
    public async Task<(MessagePage? Page, ClientError? Error)> HistoryAsync(
        string userId, ConversationRef conversation, long? before, long? after, int? limit, CancellationToken cancellationToken)
    {
        var pageSize = limit ?? MessagingLimits.DefaultPageSize;
        var errors = new ValidationErrors()
            .Check(before is null || after is null, "before", "Give before or after, not both.")
            .Check(before is null or >= 1, "before", "before must be at least 1.")
            .Check(after is null or >= 0, "after", "after must be at least 0.")
            .Check(pageSize is >= 1 and <= MessagingLimits.MaxPageSize, "limit", $"limit must be 1 to {MessagingLimits.MaxPageSize}.");
        if (ClientError.From(errors) is { } invalid) return (null, invalid);
        var (grant, refused) = await access.ResolveAsync(userId, conversation, ConversationNeed.Read, cancellationToken);
        if (grant is null) return (null, refused);

        if (after is not null) telemetry.CatchUps.Add(1);
        var (items, hasMore) = await messages.PageAsync(grant.ConversationId, grant.Windows, before, after, pageSize, cancellationToken);
        return (new MessagePage(await views.ForAsync(userId, items, cancellationToken), hasMore), null);
    }

    /// <summary>
    /// The user's conversations, most recent activity first: pairs with their peer, groups (also
    /// those the user left, until they remove them) as the user sees them, each with its last
    /// message, unread count and, in a group, the unread mentions of the user; muted where the user muted it.
    /// </summary>
    public async Task<List<ConversationResponse>> ConversationsAsync(string userId, CancellationToken cancellationToken)
    {
        var pairs = PairsAsync(userId, cancellationToken);
        var inGroups = GroupsAsync(userId, cancellationToken);
        var muting = mutes.OfAsync(userId, cancellationToken);
        var (listed, muted) = ((await pairs).Concat(await inGroups), await muting);
        return listed
            .OrderByDescending(c => c.At)
            .Take(MaxConversations)
            .Select(c => muted.Contains(c.Conversation.Id) ? c.Conversation with { Muted = true } : c.Conversation)
            .ToList();
    }

    private async Task<List<(ConversationResponse Conversation, DateTime At)>> PairsAsync(string userId, CancellationToken cancellationToken)
    {
        var listed = await messages.ConversationsOfAsync(userId, MaxConversations, cancellationToken);
        if (listed.Count == 0) return [];
        // Summaries may trail their newest message by a moment: brought up to it. A request the
        // user deleted stays out until its sender writes again.
        var conversations = (await messages.CatchUpAsync(listed, cancellationToken))
            .Where(c => c.LastSeq > 0 && !(c.RequestTo == userId && c.LastSeq <= c.DeclinedUpTo)).ToList();
        if (conversations.Count == 0) return [];
        var peerIds = conversations.Select(c => c.PeerOf(userId)).ToList();
        var (peers, separated) = await contacts.FindManyAsync(userId, peerIds, cancellationToken);
        var receipts = await privacy.ReadsVisibleToAsync(userId, peerIds, cancellationToken);
        var lastMessages = (await views.ForAsync(userId, await messages.FindManyAsync(conversations.Select(c => c.LastMessageId!), cancellationToken), cancellationToken))
            .ToDictionary(m => m.Id);
        var (unread, _) = await messages.UnreadCountsAsync(userId,
            conversations.Select(c => (c.Id, c.ReadSeqOf(userId), c.LastSeq)).ToList(), countMentions: false, cancellationToken);

        return conversations
            .Where(c => peers.ContainsKey(c.PeerOf(userId)))
            .Select(c => (new ConversationResponse(
                c.Id,
                peers[c.PeerOf(userId)],
                lastMessages.GetValueOrDefault(c.LastMessageId!),
                c.LastSeq,
                unread.GetValueOrDefault(c.Id),
                c.ReadSeqOf(userId),
                // Read marks are hidden across a block, like presence, where either has receipts
                // off, and while the peer has not accepted the user's request.
                separated.Contains(c.PeerOf(userId)) || !receipts.Contains(c.PeerOf(userId)) || c.RequestTo == c.PeerOf(userId)
                    ? 0 : c.ReadSeqOf(c.PeerOf(userId)),
                ConversationDocument.Direct, null, 0, Request: c.RequestTo == userId), c.LastMessageAt))
            .ToList();
    }

    // A group the user left shows what they saw: up to the event that took them out.
    private async Task<List<(ConversationResponse Conversation, DateTime At)>> GroupsAsync(string userId, CancellationToken cancellationToken)
    {
        var memberships = (await groupStore.MembershipsOfAsync(userId, cancellationToken))
            .Where(m => m.EverIn && (m.IsIn || m.Listed)).ToDictionary(m => m.GroupId);
        if (memberships.Count == 0) return [];
        var stored = await groupStore.FindGroupsAsync(memberships.Keys, cancellationToken);
        var listed = await messages.CatchUpAsync(stored, cancellationToken);
        var upTo = listed.ToDictionary(g => g.Id, g => memberships[g.Id].ReadableUpTo(g.LastSeq));
        var snapshots = await Task.WhenAll(listed.Select(g => groups.GetAsync(g.Id, cancellationToken)));
        var lastStored = await messages.FindAtAsync(listed.Where(g => upTo[g.Id] > 0).Select(g => (g.Id, upTo[g.Id])).ToList(), cancellationToken);
        var lastMessages = (await views.ForAsync(userId, lastStored, cancellationToken)).ToDictionary(m => m.ConversationId);
        var (unread, mentions) = await messages.UnreadCountsAsync(userId,
            listed.Select(g => (g.Id, g.ReadSeqOf(userId), upTo[g.Id])).ToList(), countMentions: true, cancellationToken);

        return listed.Zip(snapshots)
            .Where(pair => pair.Second is not null)
            .Select(pair =>
            {
                var (group, snapshot) = pair;
                var last = lastMessages.GetValueOrDefault(group.Id);
                return (new ConversationResponse(
                    group.Id, null, last, upTo[group.Id], unread.GetValueOrDefault(group.Id), group.ReadSeqOf(userId), 0,
                    ConversationDocument.Group, snapshot!.InfoFor(userId), mentions.GetValueOrDefault(group.Id)),
                    last?.CreatedAt ?? group.CreatedAt ?? default);
            })
            .ToList();
    }
}

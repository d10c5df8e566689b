namespace Chat.Api.Contracts;

// Conversations and messages in docs/api.md, and the hub's payloads.

/// <summary>
/// A send; <c>Mentions</c> (user ids, members of the group) only in a group. <c>Traceparent</c>
/// (W3C trace context) puts a hub send in the sender's trace: SignalR carries no headers per
/// call. Over REST the request's own traceparent header does that; one that does not parse is ignored, as in HTTP.
/// </summary>
public sealed record SendMessageRequest(
    string? ClientMessageId, string? Text, string? MediaId, string? ReplyToId = null, IReadOnlyList<string>? Mentions = null,
    string? Traceparent = null);

public sealed record MarkReadRequest(long? Seq);

public sealed record EditMessageRequest(string? Text);

public sealed record MessageImage(string Url, string ThumbnailUrl, int Width, int Height);

/// <summary>
/// A message as one participant sees it: <c>Reactions</c> say which are the viewer's own
/// (<c>Mine</c>), so the participants may be sent different copies. In a group
/// <c>RecipientId</c> is null; <c>Event</c> marks a membership change in the timeline.
/// <c>Traceparent</c>, on a new message's live push and acknowledgement only, is the send's
/// trace when it was sampled: the recipient's "message shown" span joins it.
/// </summary>
public sealed record MessageResponse(
    string Id, string ConversationId, long Seq, string ClientMessageId, string SenderId, string? RecipientId,
    string? Text, MessageImage? Image, DateTime CreatedAt, DateTime? EditedAt, bool Deleted,
    ReplyPreview? ReplyTo, IReadOnlyList<ReactionSummary> Reactions,
    IReadOnlyList<string> Mentions, GroupEvent? Event, string? Traceparent = null);

/// <summary>
/// A membership change (API 1.2): created, added, removed, left, renamed, avatar, role. <c>Name</c>
/// is the group's name (created, renamed) or the new role (role).
/// </summary>
public sealed record GroupEvent(string Type, string ActorId, IReadOnlyList<string> UserIds, string? Name);

/// <summary>The message a reply quotes, as it is now (edited text, or deleted).</summary>
public sealed record ReplyPreview(string Id, long Seq, string SenderId, string? Text, bool HasImage, bool Deleted);

/// <summary>One emoji on a message: how many people chose it and whether the viewer did.</summary>
public sealed record ReactionSummary(string Emoji, int Count, bool Mine);

public sealed record MessagePage(IReadOnlyList<MessageResponse> Items, bool HasMore);

/// <summary>A pair (<c>Kind</c> "direct", with its peer) or a group (<c>Group</c>, no peer).</summary>
public sealed record ConversationResponse(
    string Id, ContactResponse? Peer, MessageResponse? LastMessage, long LastSeq,
    long UnreadCount, long MyReadSeq, long PeerReadSeq,
    string Kind, GroupInfo? Group, long MentionCount, bool Muted = false, bool Request = false);

public sealed record ReadUpToEvent(string ConversationId, string ReaderId, long Seq);

public sealed record TypingEvent(string ConversationId, string UserId);

/// <summary>A message found by search, with the other participant of its pair or its group.</summary>
public sealed record SearchHit(MessageResponse Message, ContactResponse? Peer, GroupInfo? Group);

public sealed record SearchPage(IReadOnlyList<SearchHit> Items, string? Next);

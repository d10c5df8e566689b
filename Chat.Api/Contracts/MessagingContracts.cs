namespace Chat.Api.Contracts;

// Conversations and messages in docs/api.md, and the hub's payloads.

public sealed record SendMessageRequest(string? ClientMessageId, string? Text, string? MediaId);

public sealed record MarkReadRequest(long? Seq);

public sealed record EditMessageRequest(string? Text);

public sealed record MessageImage(string Url, string ThumbnailUrl, int Width, int Height);

public sealed record MessageResponse(
    string Id, string ConversationId, long Seq, string ClientMessageId, string SenderId, string RecipientId,
    string? Text, MessageImage? Image, DateTime CreatedAt, DateTime? EditedAt, bool Deleted);

public sealed record MessagePage(IReadOnlyList<MessageResponse> Items, bool HasMore);

public sealed record ConversationResponse(
    string Id, ContactResponse Peer, MessageResponse? LastMessage, long LastSeq,
    long UnreadCount, long MyReadSeq, long PeerReadSeq);

public sealed record ReadUpToEvent(string ConversationId, string ReaderId, long Seq);

public sealed record TypingEvent(string ConversationId, string UserId);

namespace Chat.Api.Messaging;

// The Conversations and messages section of API.md, and the hub's payloads.

public sealed record SendMessageRequest(string? ClientMessageId, string? Text, string? MediaId);

public sealed record MarkReadRequest(long? Seq);

public sealed record EditMessageRequest(string? Text);

public sealed record MessageResponse(
    string Id, string ConversationId, long Seq, string ClientMessageId, string SenderId, string RecipientId,
    string? Text, MessageImage? Image, DateTime CreatedAt, DateTime? EditedAt, bool Deleted);

public sealed record MessagePage(IReadOnlyList<MessageResponse> Items, bool HasMore);

public sealed record ConversationResponse(
    string Id, Accounts.ContactResponse Peer, MessageResponse? LastMessage, long LastSeq,
    long UnreadCount, long MyReadSeq, long PeerReadSeq);

public sealed record ReadUpToEvent(string ConversationId, string ReaderId, long Seq);

public sealed record TypingEvent(string ConversationId, string UserId);

/// <summary>The names of the hub's server-to-client events.</summary>
public static class ChatEvents
{
    public const string MessageReceived = nameof(MessageReceived);
    public const string MessageUpdated = nameof(MessageUpdated);
    public const string ReadUpTo = nameof(ReadUpTo);
    public const string Typing = nameof(Typing);
}

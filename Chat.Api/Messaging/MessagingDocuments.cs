using Chat.Api.Contracts;
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace Chat.Api.Messaging;

/// <summary>A message as stored in <c>messages</c>; (conversationId, seq) and (senderId, clientMessageId) are unique.</summary>
public sealed record MessageDocument
{
    [BsonId, BsonRepresentation(BsonType.ObjectId)]
    public required string Id { get; init; }
    public required string ConversationId { get; init; }
    public required long Seq { get; init; }
    public required string ClientMessageId { get; init; }
    public required string SenderId { get; init; }
    public required string RecipientId { get; init; }
    public string? Text { get; init; }
    public MessageImage? Image { get; init; }
    /// <summary>The upload the image is (not sent to clients): deleting the message deletes it.</summary>
    public string? MediaId { get; init; }
    public required DateTime CreatedAt { get; init; }
    public DateTime? EditedAt { get; init; }
    public bool Deleted { get; init; }

    public MessageResponse ToResponse() =>
        new(Id, ConversationId, Seq, ClientMessageId, SenderId, RecipientId, Text, Image, CreatedAt, EditedAt, Deleted);
}

/// <summary>
/// One per pair of users in <c>conversations</c>: the last message (for the list) and each
/// participant's read position (<c>readSeqs.{userId}</c>, moved forward only).
/// </summary>
public sealed record ConversationDocument
{
    [BsonId]
    public required string Id { get; init; }
    public required string[] Participants { get; init; }
    public long LastSeq { get; init; }
    public string? LastMessageId { get; init; }
    public DateTime LastMessageAt { get; init; }
    public Dictionary<string, long> ReadSeqs { get; init; } = [];

    public long ReadSeqOf(string userId) => ReadSeqs.GetValueOrDefault(userId);

    public string PeerOf(string userId) => Participants.First(p => p != userId);
}

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
    /// <summary>The peer in a pair; null in a group.</summary>
    public string? RecipientId { get; init; }
    public string? Text { get; init; }
    public MessageImage? Image { get; init; }
    /// <summary>The upload the image is (not sent to clients): deleting the message deletes it.</summary>
    public string? MediaId { get; init; }
    public required DateTime CreatedAt { get; init; }
    public DateTime? EditedAt { get; init; }
    public bool Deleted { get; init; }
    /// <summary>The text's words as search matches them (<see cref="Messaging.SearchWords"/>); not sent to clients.</summary>
    [BsonIgnoreIfNull]
    public string[]? SearchWords { get; init; }
    /// <summary>The message of the same conversation this one replies to (quoted as it is when read).</summary>
    [BsonIgnoreIfNull]
    public string? ReplyToId { get; init; }
    /// <summary>Whether anyone ever reacted (the reactions are in <c>reactions</c>): a page without any needs no look there.</summary>
    [BsonIgnoreIfDefault]
    public bool HasReactions { get; init; }
    /// <summary>The group members this message mentions (only in a group).</summary>
    [BsonIgnoreIfNull]
    public string[]? Mentions { get; init; }
    /// <summary>A membership change in a group's timeline (no text, no image, never changed).</summary>
    [BsonIgnoreIfNull]
    public GroupEventDocument? Event { get; init; }

    /// <summary>The message as one participant sees it: quoting <paramref name="replyTo"/>, with that participant's view of the reactions.</summary>
    public MessageResponse ToResponse(ReplyPreview? replyTo = null, IReadOnlyList<ReactionSummary>? reactions = null) =>
        new(Id, ConversationId, Seq, ClientMessageId, SenderId, RecipientId, Text, Image, CreatedAt, EditedAt, Deleted,
            replyTo, reactions ?? [], Mentions ?? [], Event?.ToEvent());

    /// <summary>How a reply quotes this message: the start of its text, whether it has a photo, or that it is gone.</summary>
    public ReplyPreview ToReplyPreview() =>
        new(Id, Seq, SenderId, Deleted || Text is null ? null : Text[..Math.Min(Text.Length, MessagingLimits.ReplyPreviewLength)],
            !Deleted && Image is not null, Deleted);
}

/// <summary>A membership change as stored in its message (<see cref="GroupEvent"/>).</summary>
public sealed record GroupEventDocument
{
    public required string Type { get; init; }
    public required string ActorId { get; init; }
    public string[] UserIds { get; init; } = [];
    [BsonIgnoreIfNull]
    public string? Name { get; init; }

    public GroupEvent ToEvent() => new(Type, ActorId, UserIds, Name);
}

/// <summary>One person's emoji on one message, in <c>reactions</c>; the id makes it one per (message, person, emoji).</summary>
public sealed record ReactionDocument
{
    [BsonId]
    public required string Id { get; init; }
    public required string MessageId { get; init; }
    public required string UserId { get; init; }
    public required string Emoji { get; init; }
    public required DateTime CreatedAt { get; init; }

    public static string IdOf(string messageId, string userId, string emoji) => $"{messageId}:{userId}:{emoji}";
}

/// <summary>
/// One per pair of users or per group in <c>conversations</c>: the last message (for the list)
/// and each participant's read position (<c>readSeqs.{userId}</c>, moved forward only). A pair
/// lists its two users in <c>participants</c>; a group lists none there (its members are in
/// <c>group_members</c>) and has a name.
/// </summary>
public sealed record ConversationDocument
{
    public const string Direct = "direct";
    public const string Group = "group";

    [BsonId]
    public required string Id { get; init; }
    public string[] Participants { get; init; } = [];
    /// <summary>"direct" (also when absent: pairs stored before groups existed) or "group".</summary>
    [BsonIgnoreIfNull]
    public string? Kind { get; init; }
    [BsonIgnoreIfNull]
    public string? Name { get; init; }
    [BsonIgnoreIfNull]
    public string? AvatarUrl { get; init; }
    [BsonIgnoreIfNull]
    public DateTime? CreatedAt { get; init; }
    public long LastSeq { get; init; }
    public string? LastMessageId { get; init; }
    public DateTime LastMessageAt { get; init; }
    public Dictionary<string, long> ReadSeqs { get; init; } = [];
    /// <summary>
    /// A pair that is a message request: the recipient, who has not accepted it yet (a first
    /// message from outside their conversations, when they chose so). Absent once accepted.
    /// </summary>
    [BsonIgnoreIfNull]
    public string? RequestTo { get; init; }
    /// <summary>A request the recipient deleted: hidden from them up to this seq (a new message shows it again).</summary>
    [BsonIgnoreIfDefault]
    public long DeclinedUpTo { get; init; }

    public long ReadSeqOf(string userId) => ReadSeqs.GetValueOrDefault(userId);

    public string PeerOf(string userId) => Participants.First(p => p != userId);
}

using Chat.Api.Contracts;

namespace Chat.Api.Media;

/// <summary>An uploaded image in <c>media</c>: who uploaded it, what (if anything) uses it, and who may see it.</summary>
public sealed record MediaDocument
{
    /// <summary>128 random bits, base64url (22 characters): it is in the image URLs, so it must be unguessable.</summary>
    public required string Id { get; init; }
    public required string OwnerId { get; init; }
    public required string Url { get; init; }
    public required string ThumbnailUrl { get; init; }
    public required int Width { get; init; }
    public required int Height { get; init; }
    public required string ContentType { get; init; }
    /// <summary>The stored file's extension (jpg, png, webp).</summary>
    public string Extension { get; init; } = "";
    public required long Bytes { get; init; }
    public required DateTime CreatedAt { get; init; }

    /// <summary>Null while unused; "message:{clientMessageId}" or "avatar" once used.</summary>
    public string? UsedBy { get; init; }

    /// <summary>
    /// Private (a message image, or an upload not used yet): only the owner and <see cref="Viewers"/>
    /// may fetch it. Avatars are public.
    /// </summary>
    public bool Private { get; init; }

    /// <summary>Besides the owner, who may see a private image: the sender and recipient of the message that uses it.</summary>
    public string[] Viewers { get; init; } = [];

    /// <summary>The group whose message uses it: whoever may read that message may see it (asked of the group, not listed here).</summary>
    [MongoDB.Bson.Serialization.Attributes.BsonIgnoreIfNull]
    public string? GroupId { get; init; }

    public bool IsVisibleTo(string? userId) => !Private || (userId is not null && (userId == OwnerId || Viewers.Contains(userId)));

    /// <summary>The clientMessageId of the message using it, if one does.</summary>
    public string? MessageClientId => UsedBy is { } use && use.StartsWith(MessageUsePrefix, StringComparison.Ordinal) ? use[MessageUsePrefix.Length..] : null;

    public const string MessageUsePrefix = "message:";

    public MediaResponse ToResponse() => new(Id, Url, ThumbnailUrl, Width, Height, ContentType, Bytes);

    public MessageImage ToImage() => new(Url, ThumbnailUrl, Width, Height);
}

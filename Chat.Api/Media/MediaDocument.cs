using Chat.Api.Contracts;

namespace Chat.Api.Media;

/// <summary>An uploaded image in <c>media</c>: who uploaded it and what (if anything) uses it.</summary>
public sealed record MediaDocument
{
    /// <summary>128 random bits, base64url: the id is in the local store's URLs, so it must be unguessable.</summary>
    public required string Id { get; init; }
    public required string OwnerId { get; init; }
    public required string Url { get; init; }
    public required string ThumbnailUrl { get; init; }
    public required int Width { get; init; }
    public required int Height { get; init; }
    public required string ContentType { get; init; }
    public required long Bytes { get; init; }
    public required DateTime CreatedAt { get; init; }

    /// <summary>Null while unused; "message:{clientMessageId}" or "avatar" once used.</summary>
    public string? UsedBy { get; init; }

    public MediaResponse ToResponse() => new(Id, Url, ThumbnailUrl, Width, Height, ContentType, Bytes);

    public MessageImage ToImage() => new(Url, ThumbnailUrl, Width, Height);
}

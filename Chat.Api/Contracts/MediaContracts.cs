namespace Chat.Api.Contracts;

// Media in docs/api.md.

public sealed record MediaResponse(string Id, string Url, string ThumbnailUrl, int Width, int Height, string ContentType, long Bytes);

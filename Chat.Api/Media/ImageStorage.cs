namespace Chat.Api.Media;

/// <summary>
/// Where image bytes live: Cloudinary in production, a local directory by default. Private images
/// are reachable only through the API's <c>/media/...</c> endpoint, which checks who asks and then
/// serves the file or redirects to a short-lived signed URL.
/// </summary>
public interface IImageStorage
{
    /// <summary>A name for logs and the AppHost: "cloudinary" or "local".</summary>
    string Name { get; }

    /// <summary>Stores the image and its thumbnail; returns the URLs clients use for them.</summary>
    Task<(string Url, string ThumbnailUrl)> SaveAsync(string mediaId, ProcessedImage image, bool isPrivate, CancellationToken cancellationToken);

    /// <summary>Removes both files; removing what is already gone is not an error.</summary>
    Task DeleteAsync(MediaDocument media, CancellationToken cancellationToken);

    /// <summary>Where the API's /media endpoint finds one of the files: a local path, or a URL to redirect to.</summary>
    ImageLocation Locate(MediaDocument media, bool thumbnail);
}

/// <summary>A local file to send, or a URL (signed, short-lived for private images) to redirect to.</summary>
public sealed record ImageLocation(string? FilePath, Uri? RedirectTo);

/// <summary>The storage refused or failed; the client gets a 502/503 and nothing is recorded.</summary>
public sealed class ImageStorageException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}

/// <summary>The URLs of images the API serves itself, under /media: <c>{id}.{ext}</c> and <c>{id}_t.{ext}</c>.</summary>
public static partial class MediaPaths
{
    public const string RequestPath = "/media";

    public static string Full(string mediaId, string extension) => $"{RequestPath}/{mediaId}.{extension}";

    public static string Thumbnail(string mediaId, string extension) => $"{RequestPath}/{mediaId}_t.{extension}";

    /// <summary>The media id and whether the thumbnail is meant, from a file name under /media; null for anything else.</summary>
    public static (string MediaId, bool Thumbnail)? Parse(string fileName) =>
        FileName().Match(fileName) is { Success: true } match ? (match.Groups["id"].Value, match.Groups["t"].Success) : null;

    [System.Text.RegularExpressions.GeneratedRegex("^(?<id>[A-Za-z0-9_-]{22})(?<t>_t)?\\.(jpg|png|webp)$")]
    private static partial System.Text.RegularExpressions.Regex FileName();
}

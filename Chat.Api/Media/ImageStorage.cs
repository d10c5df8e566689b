namespace Chat.Api.Media;

/// <summary>Where image bytes live: Cloudinary in production, a local directory by default.</summary>
public interface IImageStorage
{
    /// <summary>A name for logs and the AppHost: "cloudinary" or "local".</summary>
    string Name { get; }

    /// <summary>Stores the image and its thumbnail; returns their public URLs.</summary>
    Task<(string Url, string ThumbnailUrl)> SaveAsync(string mediaId, ProcessedImage image, CancellationToken cancellationToken);
}

/// <summary>The storage refused or failed; the client gets a 502/503 and nothing is recorded.</summary>
public sealed class ImageStorageException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}

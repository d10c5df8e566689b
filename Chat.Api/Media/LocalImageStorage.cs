namespace Chat.Api.Media;

/// <summary>
/// Images as files in a directory every replica shares (the AppHost gives its path in
/// Media:LocalPath), served by the API's /media endpoint after it checks who asks. File names are
/// the unguessable media id.
/// </summary>
public sealed class LocalImageStorage(string root) : IImageStorage
{
    public string Name => "local";
    public string Root { get; } = Directory.CreateDirectory(root).FullName;

    public async Task<(string Url, string ThumbnailUrl)> SaveAsync(string mediaId, ProcessedImage image, bool isPrivate, CancellationToken cancellationToken)
    {
        await File.WriteAllBytesAsync(PathOf(mediaId, image.Extension, thumbnail: true), image.Thumbnail, cancellationToken);
        await File.WriteAllBytesAsync(PathOf(mediaId, image.Extension, thumbnail: false), image.Full, cancellationToken);
        return (MediaPaths.Full(mediaId, image.Extension), MediaPaths.Thumbnail(mediaId, image.Extension));
    }

    public Task DeleteAsync(MediaDocument media, CancellationToken cancellationToken)
    {
        File.Delete(PathOf(media.Id, media.Extension, thumbnail: false));
        File.Delete(PathOf(media.Id, media.Extension, thumbnail: true));
        return Task.CompletedTask;
    }

    public ImageLocation Locate(MediaDocument media, bool thumbnail) => new(PathOf(media.Id, media.Extension, thumbnail), null);

    private string PathOf(string mediaId, string extension, bool thumbnail) =>
        Path.Combine(Root, $"{mediaId}{(thumbnail ? "_t" : "")}.{extension}");
}

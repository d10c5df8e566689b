using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace Chat.Api.Media;

/// <summary>
/// Images as files in a directory every replica shares (the AppHost gives its path in
/// Media:LocalPath), served under /media with year-long caching: a file never changes, its
/// name is an unguessable id.
/// </summary>
public sealed class LocalImageStorage(string root) : IImageStorage
{
    public const string RequestPath = "/media";

    public string Name => "local";
    public string Root { get; } = Directory.CreateDirectory(root).FullName;

    public async Task<(string Url, string ThumbnailUrl)> SaveAsync(string mediaId, ProcessedImage image, CancellationToken cancellationToken)
    {
        var full = $"{mediaId}.{image.Extension}";
        var thumbnail = $"{mediaId}_t.{image.Extension}";
        await File.WriteAllBytesAsync(Path.Combine(Root, thumbnail), image.Thumbnail, cancellationToken);
        await File.WriteAllBytesAsync(Path.Combine(Root, full), image.Full, cancellationToken);
        return ($"{RequestPath}/{full}", $"{RequestPath}/{thumbnail}");
    }

    public StaticFileOptions StaticFileOptions() => new()
    {
        RequestPath = RequestPath,
        FileProvider = new PhysicalFileProvider(Root),
        ServeUnknownFileTypes = false,
        OnPrepareResponse = context =>
        {
            var headers = context.Context.Response.Headers;
            headers[HeaderNames.CacheControl] = "public, max-age=31536000, immutable";
            headers[HeaderNames.XContentTypeOptions] = "nosniff";
        },
    };
}

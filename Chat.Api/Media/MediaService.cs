using System.Buffers.Text;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using Chat.Api.Infrastructure.MongoDB;
using Chat.Api.Validation;

namespace Chat.Api.Media;

/// <summary>Uploads (check, normalise, store, record) and their use by messages and avatars.</summary>
public sealed class MediaService
{
    public const long MaxUploadBytes = 10 * 1024 * 1024;
    public const string Name = "Chat.Api.Media";
    private static readonly ActivitySource Source = new(Name);

    private readonly MediaStore _media;
    private readonly IImageStorage _storage;
    private readonly TimeProvider _time;
    private readonly Histogram<long> _uploadSize;
    private readonly Histogram<double> _processingTime;

    public MediaService(MediaStore media, IImageStorage storage, TimeProvider time, IMeterFactory meters)
    {
        _media = media;
        _storage = storage;
        _time = time;
        var meter = meters.Create(Name);
        _uploadSize = meter.CreateHistogram<long>("chat.media.upload_size", unit: "By", description: "Size of accepted uploads.");
        _processingTime = meter.CreateHistogram<double>("chat.media.processing_time", unit: "ms",
            description: "Checking, decoding and re-encoding an upload (storage excluded).");
    }

    public async Task<(MediaDocument? Media, ClientError? Error)> UploadAsync(
        string ownerId, byte[] file, string? use, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var (image, error) = ImageProcessor.Process(file);
        if (error is not null) return (null, error);
        _processingTime.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        _uploadSize.Record(file.LongLength);

        var id = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
        (string Url, string ThumbnailUrl) stored;
        using (var activity = Source.StartActivity("store image"))
        {
            activity?.SetTag("chat.media.id", id);
            activity?.SetTag("chat.media.storage", _storage.Name);
            try
            {
                stored = await _storage.SaveAsync(id, image!, cancellationToken);
            }
            catch (ImageStorageException ex)
            {
                activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
                return (null, new ClientError(ex.Status, ex.Message));
            }
        }

        // Recorded only once stored: a failed upload leaves no record pointing at nothing.
        var media = new MediaDocument
        {
            Id = id, OwnerId = ownerId, Url = stored.Url, ThumbnailUrl = stored.ThumbnailUrl,
            Width = image!.Width, Height = image.Height, ContentType = image.ContentType,
            Bytes = image.Full.LongLength, CreatedAt = _time.UtcNowForStorage(), UsedBy = use,
        };
        await _media.InsertAsync(media, cancellationToken);
        return (media, null);
    }

    /// <summary>The image for a message: the sender's own upload, not used by another message.</summary>
    public async Task<(Messaging.MessageImage? Image, ClientError? Error)> ClaimForMessageAsync(
        string mediaId, string senderId, string clientMessageId, CancellationToken cancellationToken)
    {
        var claimed = await _media.ClaimAsync(mediaId, senderId, $"message:{clientMessageId}", cancellationToken);
        if (claimed is not null) return (claimed.ToImage(), null);
        // Someone else's upload looks like no upload at all.
        var existing = await _media.FindAsync(mediaId, cancellationToken);
        return (null, existing?.OwnerId == senderId
            ? new ClientError(StatusCodes.Status409Conflict, "This image is already used")
            : ClientError.NotFound("Media"));
    }
}

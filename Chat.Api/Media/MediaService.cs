using System.Buffers.Text;
using System.Diagnostics;
using System.Security.Cryptography;
using Chat.Api.Contracts;
using Chat.Api.Infrastructure.MongoDB;
using Chat.Api.Validation;

namespace Chat.Api.Media;

/// <summary>Uploads (check, normalise, store, record) and their use by messages and avatars.</summary>
public sealed class MediaService(MediaStore media, IImageStorage storage, ImageWorkGate gate, MediaTelemetry telemetry, TimeProvider time)
{
    public async Task<(MediaDocument? Media, ClientError? Error)> UploadAsync(
        string ownerId, byte[] file, string? use, CancellationToken cancellationToken)
    {
        ProcessedImage? image;
        using (var turn = await gate.EnterAsync(cancellationToken))
        {
            if (turn is null)
            {
                return (null, new ClientError(StatusCodes.Status503ServiceUnavailable, "Busy with other images",
                    Detail: "Try again in a moment.", RetryAfter: gate.Wait));
            }
            var started = Stopwatch.GetTimestamp();
            (image, var error) = ImageProcessor.Process(file);
            if (error is not null) return (null, error);
            telemetry.ProcessingTime.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        telemetry.UploadSize.Record(file.LongLength);

        var id = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
        (string Url, string ThumbnailUrl) stored;
        using (var activity = MediaTelemetry.Source.StartActivity("store image"))
        {
            activity?.SetTag("chat.media.id", id);
            activity?.SetTag("chat.media.storage", storage.Name);
            try
            {
                stored = await storage.SaveAsync(id, image!, cancellationToken);
            }
            catch (ImageStorageException ex)
            {
                activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
                return (null, new ClientError(ex.Status, ex.Message));
            }
        }

        // Recorded only once stored: a failed upload leaves no record pointing at nothing.
        var document = new MediaDocument
        {
            Id = id, OwnerId = ownerId, Url = stored.Url, ThumbnailUrl = stored.ThumbnailUrl,
            Width = image!.Width, Height = image.Height, ContentType = image.ContentType,
            Bytes = image.Full.LongLength, CreatedAt = time.UtcNowForStorage(), UsedBy = use,
        };
        await media.InsertAsync(document, cancellationToken);
        return (document, null);
    }

    /// <summary>The image for a message: the sender's own upload, not used by another message.</summary>
    public async Task<(MessageImage? Image, ClientError? Error)> ClaimForMessageAsync(
        string mediaId, string senderId, string clientMessageId, CancellationToken cancellationToken)
    {
        var claimed = await media.ClaimAsync(mediaId, senderId, $"message:{clientMessageId}", cancellationToken);
        if (claimed is not null) return (claimed.ToImage(), null);
        // Someone else's upload looks like no upload at all.
        var existing = await media.FindAsync(mediaId, cancellationToken);
        return (null, existing?.OwnerId == senderId
            ? new ClientError(StatusCodes.Status409Conflict, "This image is already used")
            : ClientError.NotFound("Media"));
    }
}

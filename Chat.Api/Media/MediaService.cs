using System.Buffers.Text;
using System.Diagnostics;
using System.Security.Cryptography;
using Chat.Api.Contracts;
using Chat.Api.Infrastructure.MongoDB;
using Chat.Api.Validation;
using Microsoft.Extensions.Options;

namespace Chat.Api.Media;

/// <summary>
/// Uploads (check, normalise, store, record), their use by messages and avatars, who may see
/// them, and their end: with their message, when replaced (avatars), or unused after a day.
/// </summary>
public sealed class MediaService(
    MediaStore media, IImageStorage storage, ImageWorkGate gate, IOptions<MediaOptions> options, MediaTelemetry telemetry,
    TimeProvider time, ILogger<MediaService> logger)
{
    public const string AvatarUse = "avatar";

    /// <summary>What a message's image is used by: the send (its clientMessageId), so a retry finds it claimed by itself.</summary>
    public static string MessageUse(string clientMessageId) => MediaDocument.MessageUsePrefix + clientMessageId;

    /// <summary>A group's avatar: public like a person's, one per group.</summary>
    public static string GroupAvatarUse(string groupId) => $"{AvatarUse}:{groupId}";

    /// <summary>A new upload; <paramref name="use"/> "avatar" makes it public, anything else private to its owner until a message uses it.</summary>
    public async Task<(MediaDocument? Media, ClientError? Error)> UploadAsync(
        string ownerId, byte[] file, string? use, CancellationToken cancellationToken)
    {
        var quota = options.Value.QuotaBytesPerUser;
        if (await media.TotalBytesOfAsync(ownerId, cancellationToken) + file.LongLength > quota)
        {
            return (null, new ClientError(StatusCodes.Status413PayloadTooLarge, "Storage quota exceeded",
                Detail: $"Your images take up to {quota / (1024 * 1024)} MB; delete some messages with images to make room."));
        }

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
        var isPrivate = use != AvatarUse && use?.StartsWith(AvatarUse + ":", StringComparison.Ordinal) != true;
        (string Url, string ThumbnailUrl) stored;
        using (var activity = MediaTelemetry.Source.StartActivity("store image"))
        {
            activity?.SetTag("chat.media.id", id);
            activity?.SetTag("chat.media.storage", storage.Name);
            try
            {
                stored = await storage.SaveAsync(id, image!, isPrivate, cancellationToken);
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
            Width = image!.Width, Height = image.Height, ContentType = image.ContentType, Extension = image.Extension,
            Bytes = image.Full.LongLength, CreatedAt = time.UtcNowForStorage(), UsedBy = use, Private = isPrivate,
        };
        await media.InsertAsync(document, cancellationToken);
        return (document, null);
    }

    /// <summary>
    /// The image for a message: the sender's own upload, not used by another message. From now on
    /// <paramref name="viewers"/> (a pair's recipient) may see it too, or, in a group
    /// (<paramref name="groupId"/>), whoever may read the message (<see cref="Messaging.MessageImages"/>).
    /// </summary>
    public async Task<(MessageImage? Image, ClientError? Error)> ClaimForMessageAsync(
        string mediaId, string senderId, string[] viewers, string? groupId, string clientMessageId, CancellationToken cancellationToken)
    {
        var claimed = await media.ClaimAsync(mediaId, senderId, MessageUse(clientMessageId), [senderId, .. viewers], groupId, cancellationToken);
        if (claimed is not null) return (claimed.ToImage(), null);
        // Someone else's upload looks like no upload at all.
        var existing = await media.FindAsync(mediaId, cancellationToken);
        return (null, existing?.OwnerId == senderId
            ? new ClientError(StatusCodes.Status409Conflict, "This image is already used")
            : ClientError.NotFound("Media"));
    }

    public Task<MediaDocument?> FindAsync(string mediaId, CancellationToken cancellationToken) => media.FindAsync(mediaId, cancellationToken);

    public ImageLocation Locate(MediaDocument document, bool thumbnail) => storage.Locate(document, thumbnail);

    /// <summary>The files and the record go (the message using it was deleted, or it was never used).</summary>
    public async Task DeleteAsync(MediaDocument document, CancellationToken cancellationToken)
    {
        await storage.DeleteAsync(document, cancellationToken);
        await media.DeleteAsync(document.Id, cancellationToken);
    }

    public async Task DeleteAsync(string mediaId, CancellationToken cancellationToken)
    {
        if (await media.FindAsync(mediaId, cancellationToken) is { } document) await DeleteAsync(document, cancellationToken);
    }

    /// <summary>A deleted account's uploads go: all of them, or all but the images of the messages it keeps.</summary>
    public async Task DeleteOwnedByAsync(string ownerId, bool keepMessageImages, CancellationToken cancellationToken)
    {
        foreach (var owned in await media.OwnedByAsync(ownerId, cancellationToken))
        {
            if (keepMessageImages && owned.MessageClientId is not null) continue;
            await DeleteAsync(owned, cancellationToken);
        }
    }

    /// <summary>An avatar replaced by <paramref name="current"/>: the older ones go.</summary>
    public async Task DeleteOtherAvatarsAsync(string ownerId, string current, CancellationToken cancellationToken)
    {
        foreach (var old in await media.AvatarsOfAsync(ownerId, cancellationToken))
        {
            if (old.Id != current) await DeleteAsync(old, cancellationToken);
        }
    }

    /// <summary>A group's avatar replaced by <paramref name="current"/>: the older ones go.</summary>
    public async Task DeleteOtherGroupAvatarsAsync(string groupId, string current, CancellationToken cancellationToken)
    {
        foreach (var old in await media.UsedByAsync(GroupAvatarUse(groupId), cancellationToken))
        {
            if (old.Id != current) await DeleteAsync(old, cancellationToken);
        }
    }

    /// <summary>Removes uploads no message or avatar used within <see cref="MediaOptions.UnusedLifetime"/>; how many went.</summary>
    public async Task<int> DeleteUnusedAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow().UtcDateTime - options.Value.UnusedLifetime;
        var deleted = 0;
        foreach (var unused in await media.UnusedBeforeAsync(cutoff, limit: 500, cancellationToken))
        {
            try
            {
                await DeleteAsync(unused, cancellationToken);
                deleted++;
            }
            catch (ImageStorageException ex)
            {
                logger.LogWarning(ex, "Could not delete unused media {MediaId}; the next sweep tries again.", unused.Id);
            }
        }
        return deleted;
    }
}

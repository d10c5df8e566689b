using Chat.Api.Contracts;
using Chat.Api.Infrastructure.MongoDB;
using Chat.Api.Media;
using Chat.Api.Realtime;
using Chat.Api.Validation;
using MongoDB.Bson;

namespace Chat.Api.Messaging;

/// <summary>
/// Editing and deleting: the sender's own messages only; anyone else's looks like no message at
/// all (404, existence not revealed). Delete keeps a tombstone; a deleted message cannot be edited.
/// </summary>
public sealed class MessageEditor(
    MessageStore messages, ReactionStore reactions, MessageViews views, MediaService media, ChatNotifier notifier, TimeProvider time)
{
    public async Task<(MessageResponse? Message, ClientError? Error)> EditAsync(
        string userId, string messageId, string? text, CancellationToken cancellationToken)
    {
        var trimmed = text?.Trim();
        if (string.IsNullOrEmpty(trimmed) || trimmed.Length > MessagingLimits.MaxTextLength)
        {
            return (null, ClientError.Invalid("text", $"Text must be 1 to {MessagingLimits.MaxTextLength} characters."));
        }
        if (!ObjectId.TryParse(messageId, out _)) return (null, ClientError.NotFound("Message"));

        var edited = await messages.EditAsync(messageId, userId, trimmed, time.UtcNowForStorage(), cancellationToken);
        if (edited is null)
        {
            var own = await messages.FindByIdAsync(messageId, cancellationToken);
            return (null, own is { Deleted: true } && own.SenderId == userId
                ? new ClientError(StatusCodes.Status409Conflict, "A deleted message cannot be edited")
                : ClientError.NotFound("Message"));
        }
        var (forSender, forRecipient) = await views.ForBothAsync(edited, cancellationToken);
        await notifier.MessageChangedAsync(forSender, forRecipient);
        return (forSender, null);
    }

    public async Task<ClientError?> DeleteAsync(string userId, string messageId, CancellationToken cancellationToken)
    {
        if (!ObjectId.TryParse(messageId, out _)) return ClientError.NotFound("Message");
        var deleted = await messages.DeleteAsync(messageId, userId, cancellationToken);
        if (deleted is null) return ClientError.NotFound("Message");
        var (forSender, forRecipient) = await views.ForBothAsync(deleted, cancellationToken);
        await notifier.MessageChangedAsync(forSender, forRecipient);
        // The image and the reactions go with their message: files and records (the tombstone keeps no content).
        if (deleted.HasReactions) await reactions.RemoveAllAsync(deleted.Id, cancellationToken);
        if (deleted.MediaId is { } mediaId) await media.DeleteAsync(mediaId, cancellationToken);
        return null;
    }
}

using Chat.Api.Contracts;
using Chat.Api.Infrastructure.MongoDB;
using Chat.Api.Media;
using Chat.Api.Realtime;
using Chat.Api.Validation;
using MongoDB.Bson;

namespace Chat.Api.Messaging;

/// <summary>
/// Editing and deleting: the sender's own messages only; anyone else's looks like no message at
/// all (404, existence not revealed). Delete keeps a tombstone; a deleted message cannot be
/// edited. In a group, editing needs the sender to be a member still; deleting does not (one's
/// own words can always be taken back). Membership events are never changed.
/// </summary>
public sealed class MessageEditor(
    MessageStore messages, ReactionStore reactions, MessageViews views, ConversationAccess access, MediaService media,
    ChatNotifier notifier, TimeProvider time)
{
    private static readonly ClientError EventsStay = new(StatusCodes.Status400BadRequest, "Invalid request",
        Detail: "A membership event cannot be edited or deleted.");

    public async Task<(MessageResponse? Message, ClientError? Error)> EditAsync(
        string userId, string messageId, string? text, CancellationToken cancellationToken)
    {
        var trimmed = text?.Trim();
        if (string.IsNullOrEmpty(trimmed) || trimmed.Length > MessagingLimits.MaxTextLength)
        {
            return (null, ClientError.Invalid("text", $"Text must be 1 to {MessagingLimits.MaxTextLength} characters."));
        }
        var (own, grant, error) = await OwnAsync(userId, messageId, cancellationToken);
        if (error is not null) return (null, error);
        if (!grant!.IsMember) return (null, ConversationAccess.Left);
        if (own!.Deleted) return (null, new ClientError(StatusCodes.Status409Conflict, "A deleted message cannot be edited"));

        var edited = await messages.EditAsync(messageId, userId, trimmed, time.UtcNowForStorage(), cancellationToken);
        if (edited is null) return (null, new ClientError(StatusCodes.Status409Conflict, "A deleted message cannot be edited"));
        var seen = await views.ForViewersAsync(edited, grant.Viewers, cancellationToken);
        await notifier.MessageChangedAsync(seen);
        return (seen[userId], null);
    }

    public async Task<ClientError?> DeleteAsync(string userId, string messageId, CancellationToken cancellationToken)
    {
        var (_, grant, error) = await OwnAsync(userId, messageId, cancellationToken);
        if (error is not null) return error;
        var deleted = await messages.DeleteAsync(messageId, userId, cancellationToken);
        if (deleted is null) return ClientError.NotFound("Message");
        // A former member's own devices learn of it too.
        await notifier.MessageChangedAsync(await views.ForViewersAsync(deleted, [.. grant!.Viewers, userId], cancellationToken));
        // The image and the reactions go with their message: files and records (the tombstone keeps no content).
        if (deleted.HasReactions) await reactions.RemoveAllAsync(deleted.Id, cancellationToken);
        if (deleted.MediaId is { } mediaId) await media.DeleteAsync(mediaId, cancellationToken);
        return null;
    }

    // The user's own message (not an event) in a conversation they may read.
    private async Task<(MessageDocument? Message, ConversationGrant? Grant, ClientError? Error)> OwnAsync(
        string userId, string messageId, CancellationToken cancellationToken)
    {
        if (!ObjectId.TryParse(messageId, out _)) return (null, null, ClientError.NotFound("Message"));
        var message = await messages.FindByIdAsync(messageId, cancellationToken);
        if (message is null || message.SenderId != userId) return (null, null, ClientError.NotFound("Message"));
        var (grant, error) = await access.OfMessageAsync(userId, message, ConversationNeed.Read, cancellationToken);
        if (grant is null) return (null, null, error);
        return message.Event is not null ? (null, null, EventsStay) : (message, grant, null);
    }
}

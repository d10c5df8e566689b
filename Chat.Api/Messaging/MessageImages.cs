using Chat.Api.Media;

namespace Chat.Api.Messaging;

/// <summary>
/// Who may see an image: anyone an avatar; a message's image whoever may read its message (a
/// pair's two people, listed on the upload; a group's members whose windows hold the message,
/// asked of <see cref="ConversationAccess"/>); an unsent upload its uploader only.
/// </summary>
public sealed class MessageImages(MediaService media, MessageStore messages, ConversationAccess access)
{
    /// <summary>The media if <paramref name="viewerId"/> (null: anonymous) may see it; otherwise null, as if it did not exist.</summary>
    public async Task<MediaDocument?> FindVisibleAsync(string mediaId, string? viewerId, CancellationToken cancellationToken)
    {
        if (await media.FindAsync(mediaId, cancellationToken) is not { } found) return null;
        if (found.IsVisibleTo(viewerId)) return found;
        if (viewerId is null || found.GroupId is null || found.MessageClientId is not { } clientMessageId) return null;
        // The message is found by its sender's clientMessageId (a unique index), so the upload needs no copy of its seq.
        var message = await messages.FindByClientMessageIdAsync(found.OwnerId, clientMessageId, cancellationToken);
        if (message is null || message.ConversationId != found.GroupId) return null;
        var (grant, _) = await access.OfMessageAsync(viewerId, message, ConversationNeed.Read, cancellationToken);
        return grant is null ? null : found;
    }
}

using Chat.Api.Blocking;
using Chat.Api.Contracts;
using Chat.Api.Infrastructure.MongoDB;
using Chat.Api.Realtime;
using Chat.Api.Validation;
using MongoDB.Bson;

namespace Chat.Api.Messaging;

/// <summary>
/// Reactions: either participant of a live message may add or remove an emoji, one of each per
/// person, at most <see cref="MessagingLimits.MaxDistinctReactions"/> different ones per message;
/// setting what is already set changes nothing (idempotent). Both participants' connections get
/// the message again (MessageUpdated), each with their own "mine". Each reaction is its own
/// document (<see cref="ReactionStore"/>), so changes from two devices at once all count.
/// </summary>
public sealed class Reactions(
    MessageStore messages, ReactionStore reactions, MessageViews views, BlockList blocks, ChatNotifier notifier, TimeProvider time)
{
    public async Task<(MessageResponse? Message, ClientError? Error)> SetAsync(
        string userId, string messageId, string? emoji, bool on, CancellationToken cancellationToken)
    {
        if (!Emoji.IsSingle(emoji)) return (null, ClientError.Invalid("emoji", "A reaction is one emoji."));
        if (!ObjectId.TryParse(messageId, out _)) return (null, ClientError.NotFound("Message"));
        var message = await messages.FindByIdAsync(messageId, cancellationToken);
        if (message is null || message.Deleted || (message.SenderId != userId && message.RecipientId != userId))
        {
            return (null, ClientError.NotFound("Message"));
        }
        var peerId = message.SenderId == userId ? message.RecipientId : message.SenderId;
        if (await blocks.RefusalAsync(userId, peerId, cancellationToken) is { } blocked) return (null, blocked);

        bool changed;
        if (on)
        {
            // A soft cap: two new emoji at the same instant may both pass it.
            var present = await reactions.OnAsync([messageId], cancellationToken);
            if (present.All(r => r.Emoji != emoji) && present.Select(r => r.Emoji).Distinct().Count() >= MessagingLimits.MaxDistinctReactions)
            {
                return (null, new ClientError(StatusCodes.Status409Conflict, "Too many reactions",
                    Detail: $"A message carries at most {MessagingLimits.MaxDistinctReactions} different emoji."));
            }
            changed = await reactions.AddAsync(new ReactionDocument
            {
                Id = ReactionDocument.IdOf(messageId, userId, emoji!),
                MessageId = messageId,
                UserId = userId,
                Emoji = emoji!,
                CreatedAt = time.UtcNowForStorage(),
            }, cancellationToken);
            if (changed && !message.HasReactions) await messages.MarkReactedAsync(messageId, cancellationToken);
        }
        else
        {
            changed = await reactions.RemoveAsync(messageId, userId, emoji!, cancellationToken);
        }

        var (forSender, forRecipient) = await views.ForBothAsync(message with { HasReactions = true }, cancellationToken);
        if (changed) await notifier.MessageChangedAsync(forSender, forRecipient);
        return (message.SenderId == userId ? forSender : forRecipient, null);
    }
}

using Chat.Api.Contracts;
using Chat.Api.Infrastructure.MongoDB;
using Chat.Api.Realtime;
using Chat.Api.Validation;
using MongoDB.Bson;

namespace Chat.Api.Messaging;

/// <summary>
/// Reactions: either participant of a live message (any member of a group who can see it) may add or remove an emoji, one of each per
/// person, at most <see cref="MessagingLimits.MaxDistinctReactions"/> different ones per message;
/// setting what is already set changes nothing (idempotent). Every viewer's connections get
/// the message again (MessageUpdated), each with their own "mine". Each reaction is its own
/// document (<see cref="ReactionStore"/>), so changes from two devices at once all count.
/// </summary>
public sealed class Reactions(
    MessageStore messages, ReactionStore reactions, MessageViews views, ConversationAccess access, ChatNotifier notifier, TimeProvider time)
{
    public async Task<(MessageResponse? Message, ClientError? Error)> SetAsync(
        string userId, string messageId, string? emoji, bool on, CancellationToken cancellationToken)
    {
        if (!Emoji.IsSingle(emoji)) return (null, ClientError.Invalid("emoji", "A reaction is one emoji."));
        if (!ObjectId.TryParse(messageId, out _)) return (null, ClientError.NotFound("Message"));
        var message = await messages.FindByIdAsync(messageId, cancellationToken);
        if (message is null || message.Deleted) return (null, ClientError.NotFound("Message"));
        // A pair's participant (across a block: 403), a group's member who can see the message.
        var (grant, refused) = await access.OfMessageAsync(userId, message, ConversationNeed.Write, cancellationToken);
        if (grant is null) return (null, refused);
        if (message.Event is not null) return (null, ClientError.Invalid("id", "A membership event cannot be reacted to."));

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

        var seen = await views.ForViewersAsync(message with { HasReactions = true }, grant.Viewers, cancellationToken);
        if (changed) await notifier.MessageChangedAsync(seen);
        return (seen[userId], null);
    }
}

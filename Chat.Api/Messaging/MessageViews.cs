using Chat.Api.Contracts;

namespace Chat.Api.Messaging;

/// <summary>
/// Stored messages as a participant sees them: replies quote their original as it is now, and
/// reactions are counted with the viewer's own marked (<c>mine</c>), in order of first use. One
/// query each for a whole page, and none when no message of it needs one.
/// </summary>
public sealed class MessageViews(MessageStore messages, ReactionStore reactions)
{
    public async Task<List<MessageResponse>> ForAsync(string viewerId, IReadOnlyList<MessageDocument> found, CancellationToken cancellationToken)
    {
        var (originals, reacted) = await LookUpAsync(found, cancellationToken);
        return found.Select(m => m.ToResponse(Quote(m, originals), Summaries(reacted, m.Id, viewerId))).ToList();
    }

    /// <summary>One message as each of <paramref name="viewers"/> sees it (for a push to all of them).</summary>
    public async Task<Dictionary<string, MessageResponse>> ForViewersAsync(
        MessageDocument message, IEnumerable<string> viewers, CancellationToken cancellationToken)
    {
        var (originals, reacted) = await LookUpAsync([message], cancellationToken);
        var quote = Quote(message, originals);
        return viewers.Distinct().ToDictionary(viewer => viewer, viewer => message.ToResponse(quote, Summaries(reacted, message.Id, viewer)));
    }

    private async Task<(Dictionary<string, MessageDocument> Originals, ILookup<string, ReactionDocument> Reactions)> LookUpAsync(
        IReadOnlyList<MessageDocument> found, CancellationToken cancellationToken)
    {
        var replyIds = found.Where(m => m.ReplyToId is not null).Select(m => m.ReplyToId!).Distinct().ToList();
        var reactedIds = found.Where(m => m.HasReactions && !m.Deleted).Select(m => m.Id).ToList();
        var originals = replyIds.Count == 0 ? Task.FromResult(new List<MessageDocument>()) : messages.FindManyAsync(replyIds, cancellationToken);
        var onMessages = reactions.OnAsync(reactedIds, cancellationToken);
        return ((await originals).ToDictionary(m => m.Id), (await onMessages).ToLookup(r => r.MessageId));
    }

    private static ReplyPreview? Quote(MessageDocument message, Dictionary<string, MessageDocument> originals) =>
        message.ReplyToId is { } id && originals.TryGetValue(id, out var original) ? original.ToReplyPreview() : null;

    // Oldest first already: grouping keeps the order of each emoji's first use.
    private static List<ReactionSummary> Summaries(ILookup<string, ReactionDocument> reactions, string messageId, string viewerId) =>
        reactions[messageId].GroupBy(r => r.Emoji)
            .Select(g => new ReactionSummary(g.Key, g.Count(), g.Any(r => r.UserId == viewerId)))
            .ToList();
}

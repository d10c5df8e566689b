using System.Diagnostics;
using Chat.Api.Accounts;
using Chat.Api.Blocking;
using Chat.Api.Contracts;
using Chat.Api.Groups;
using Chat.Api.Infrastructure;
using Chat.Api.Infrastructure.MongoDB;
using Chat.Api.Media;
using Chat.Api.Push;
using Chat.Api.Realtime;
using Chat.Api.Security;
using Chat.Api.Validation;
using MongoDB.Bson;

namespace Chat.Api.Messaging;

/// <summary>
/// Sending a message to a pair or a group, behind both the REST API and the hub: validate, ask
/// <see cref="ConversationAccess"/>, claim the image, persist with the next seq, then push. The
/// push is an optimisation: a client that missed it catches up by seq. A repeated
/// clientMessageId returns the original and pushes nothing.
/// </summary>
public sealed class MessageSender(
    MessageWriter writer, MessageStore messages, ConversationAccess access, PeerCheck peers, BlockList blocks, UserRateLimits limits,
    MessageRequests requests, MediaService media, ChatNotifier notifier, PushDispatcher pushes, DeliveryReceipts receipts, MessagingTelemetry telemetry,
    TimeProvider time, ILogger<MessageSender> logger)
{
    public sealed record Sent(MessageResponse Message, bool Duplicate);

    public async Task<(Sent? Sent, ClientError? Error)> SendAsync(
        string senderId, ConversationRef conversation, SendMessageRequest? request, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var activity = StartSendActivity(request?.Traceparent);
        // The send limit (one budget for REST and the hub, pairs and groups) and a pair's block
        // check are each a Redis round trip; sent together they cost about one (BENCHMARKS.md).
        // Every call counts, valid or not, and nothing that may reach MongoDB runs before the
        // permit: the block check goes early only for a peer already known to exist, and only its Redis half.
        var permit = limits.AcquireAsync(RateLimits.Send, senderId, cancellationToken);

        var text = request?.Text?.Trim();
        if (string.IsNullOrEmpty(text)) text = null;
        var clientMessageId = request?.ClientMessageId?.Trim();
        var mentions = request?.Mentions?.Distinct().ToArray() ?? [];
        var errors = new ValidationErrors()
            .Check(!string.IsNullOrEmpty(clientMessageId), "clientMessageId", "clientMessageId is required.")
            .Check(clientMessageId is null || clientMessageId.Length <= MessagingLimits.MaxClientMessageIdLength, "clientMessageId",
                $"clientMessageId must be at most {MessagingLimits.MaxClientMessageIdLength} characters.")
            .Check(text is not null || request?.MediaId is not null, "text", "A message needs text or an image.")
            .Check(text is null || text.Length <= MessagingLimits.MaxTextLength, "text",
                $"Text must be at most {MessagingLimits.MaxTextLength} characters.")
            .Check(request?.MediaId is null || request.MediaId.Length is > 0 and <= 64, "mediaId", "mediaId is not a media id.")
            .Check(request?.ReplyToId is null || ObjectId.TryParse(request.ReplyToId, out _), "replyToId", "replyToId is not a message id.")
            .Check(mentions.Length == 0 || conversation.GroupId is not null, "mentions", "Mentions are for groups.")
            .Check(mentions.Length <= GroupOptions.MaxMentions, "mentions", $"A message mentions at most {GroupOptions.MaxMentions} people.")
            .Check(mentions.All(UserIds.IsCanonical), "mentions", "Every mention is a user id.");
        var invalid = ClientError.From(errors);
        var blockQuestion = invalid is null && peers.IsKnown(senderId, conversation.PeerId) ? blocks.Ask(senderId, conversation.PeerId!) : null;
        using (var lease = await permit)
        {
            if (!lease.IsAcquired) return (null, RateLimits.Rejected(lease));
        }
        if (invalid is not null) return (null, invalid);
        var (grant, refused) = await access.ResolveAsync(senderId, conversation, ConversationNeed.Write, cancellationToken, blockQuestion);
        if (grant is null) return (null, refused);
        // Only people in the group now can be mentioned (Matrix's intentional mentions: ids, not names in the text).
        if (mentions.Any(id => grant.Group!.Of(id) is not { IsIn: true }))
        {
            return (null, ClientError.Invalid("mentions", "Only members of the group can be mentioned."));
        }

        // A reply quotes a message of this conversation the sender can see (any other looks like none: 404).
        MessageDocument? original = null;
        if (request!.ReplyToId is { } replyToId)
        {
            original = await messages.FindByIdAsync(replyToId, cancellationToken);
            if (original is null || original.ConversationId != grant.ConversationId || !grant.CanRead(original.Seq))
            {
                return (null, ClientError.NotFound("Message"));
            }
            if (original.Event is not null) return (null, ClientError.Invalid("replyToId", "A membership event cannot be replied to."));
        }

        // A first message to someone who takes messages only from their conversations is a request.
        var isRequest = false;
        if (!grant.IsGroup)
        {
            (isRequest, var requestRefused) = await requests.BeforeSendAsync(grant, cancellationToken);
            if (requestRefused is not null) return (null, requestRefused);
        }

        MessageImage? image = null;
        if (request.MediaId is { } mediaId)
        {
            // Claimed for this clientMessageId, so a retried send claims it again and then
            // finds its original message below.
            var (claimed, mediaError) = await media.ClaimForMessageAsync(
                mediaId, senderId, grant.IsGroup ? [] : [grant.PeerId!], grant.IsGroup ? grant.ConversationId : null, clientMessageId!, cancellationToken);
            if (mediaError is not null) return (null, mediaError);
            image = claimed;
        }

        activity?.SetTag("chat.conversation.id", grant.ConversationId);
        activity?.SetTag("chat.conversation.kind", grant.Kind);
        var (stored, duplicate) = await writer.AppendAsync(new MessageDocument
        {
            Id = ObjectId.GenerateNewId().ToString(),
            ConversationId = grant.ConversationId,
            Seq = 0,
            ClientMessageId = clientMessageId!,
            SenderId = senderId,
            RecipientId = grant.PeerId,
            Text = text,
            SearchWords = SearchWords.Of(text),
            Image = image,
            MediaId = image is null ? null : request.MediaId,
            ReplyToId = original?.Id,
            Mentions = mentions.Length == 0 ? null : mentions,
            CreatedAt = time.UtcNowForStorage(),
        }, cancellationToken);
        // New, it has no reactions: everyone sees the same. A sampled send's trace goes with it.
        var message = stored.ToResponse(original?.ToReplyPreview()) with { Traceparent = activity is { Recorded: true } ? activity.Id : null };
        activity?.SetTag("chat.message.id", message.Id);
        activity?.SetTag("chat.message.seq", message.Seq);
        activity?.SetTag("chat.message.duplicate", duplicate);

        if (duplicate)
        {
            telemetry.Duplicates.Add(1);
            return (new Sent(message, Duplicate: true), null);
        }

        try
        {
            await notifier.MessageCreatedAsync(message);
        }
        catch (Exception ex) when (DependencyFailures.IsUnavailable(ex))
        {
            // Stored is sent: the sender is told so (a 503 would make it retry for nothing), and
            // the recipients' clients catch up by seq when the backplane answers again.
            telemetry.LivePushesMissed.Add(1);
            logger.LogWarning(ex, "Message {MessageId} stored but not pushed live; recipients catch up.", message.Id);
        }
        // Devices with no live connection get a push, later and elsewhere (never waited for); a request pushes nothing.
        pushes.Stored(new PushJob(grant.ConversationId, message.Seq, grant.IsGroup, isRequest ? [] : grant.Viewers.Where(id => id != senderId).ToList(), mentions,
            time.GetTimestamp(), activity?.Context ?? default));
        receipts.StoredHere(message.Id);
        telemetry.Sent.Add(1, new KeyValuePair<string, object?>("chat.conversation.kind", grant.Kind));
        telemetry.PushDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return (new Sent(message, Duplicate: false), null);
    }

    /// <summary>
    /// A hub send joins the trace its client started (the request's traceparent); the hub call's own
    /// span is linked. A REST send is already in it (its traceparent header), so the field is not needed there.
    /// </summary>
    private static Activity? StartSendActivity(string? traceparent)
    {
        var current = Activity.Current;
        if (traceparent is null || current is { HasRemoteParent: true } || !ActivityContext.TryParse(traceparent, null, isRemote: true, out var parent))
        {
            return MessagingTelemetry.Source.StartActivity("send message");
        }
        return MessagingTelemetry.Source.StartActivity("send message", ActivityKind.Internal, parent,
            links: current is null ? null : [new ActivityLink(current.Context)]);
    }
}

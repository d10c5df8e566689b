using System.Diagnostics;
using Chat.Api.Accounts;
using Chat.Api.Hubs;
using Chat.Api.Infrastructure.MongoDB;
using Chat.Api.Media;
using Microsoft.Extensions.Caching.Memory;
using Chat.Api.Presence;
using Chat.Api.Validation;
using Microsoft.AspNetCore.SignalR;
using MongoDB.Bson;
using StackExchange.Redis;

namespace Chat.Api.Messaging;

/// <summary>
/// Sending, reading and changing messages, behind both the REST API and the hub. Persist first,
/// then push: the push is an optimisation, a client that missed it catches up by seq.
/// </summary>
public sealed class MessagingService(
    MessageStore messages, UserStore users, IHubContext<ChatHub> hub, IConnectionMultiplexer redis,
    PresenceTracker presence, MediaService media, MessagingTelemetry telemetry, TimeProvider time,
    IMemoryCache storedHere)
{
    public const int MaxTextLength = 4000;
    public const int MaxClientMessageIdLength = 100;
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;
    private static readonly TimeSpan TypingInterval = TimeSpan.FromSeconds(1);
    // How long this replica remembers the messages it stored, to tag receipts as same/cross replica.
    private static readonly TimeSpan StoredHereWindow = TimeSpan.FromMinutes(1);

    public sealed record SendOutcome(MessageResponse Message, bool Duplicate);

    public async Task<(SendOutcome? Sent, ClientError? Error)> SendAsync(string senderId, string? peerId, SendMessageRequest? request, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var activity = MessagingTelemetry.Source.StartActivity("send message");

        var text = request?.Text?.Trim();
        if (string.IsNullOrEmpty(text)) text = null;
        var clientMessageId = request?.ClientMessageId?.Trim();
        var errors = new ValidationErrors()
            .Check(!string.IsNullOrEmpty(clientMessageId), "clientMessageId", "clientMessageId is required.")
            .Check(clientMessageId is null || clientMessageId.Length <= MaxClientMessageIdLength, "clientMessageId",
                $"clientMessageId must be at most {MaxClientMessageIdLength} characters.")
            .Check(text is not null || request?.MediaId is not null, "text", "A message needs text or an image.")
            .Check(text is null || text.Length <= MaxTextLength, "text", $"Text must be at most {MaxTextLength} characters.")
            .Check(request?.MediaId is null || request.MediaId.Length is > 0 and <= 64, "mediaId", "mediaId is not a media id.");
        if (ClientError.From(errors, "Invalid message") is { } invalid) return (null, invalid);
        if (await PeerErrorAsync(senderId, peerId, cancellationToken) is { } peerError) return (null, peerError);

        MessageImage? image = null;
        if (request!.MediaId is { } mediaId)
        {
            // Claimed for this clientMessageId, so a retried send claims it again and then
            // finds its original message below.
            var (claimed, mediaError) = await media.ClaimForMessageAsync(mediaId, senderId, clientMessageId!, cancellationToken);
            if (mediaError is not null) return (null, mediaError);
            image = claimed;
        }

        var conversationId = ConversationIds.For(senderId, peerId!);
        activity?.SetTag("chat.conversation.id", conversationId);
        var (stored, duplicate) = await messages.AppendAsync(new MessageDocument
        {
            Id = ObjectId.GenerateNewId().ToString(),
            ConversationId = conversationId,
            Seq = 0,
            ClientMessageId = clientMessageId!,
            SenderId = senderId,
            RecipientId = peerId!,
            Text = text,
            Image = image,
            CreatedAt = time.UtcNowForStorage(),
        }, cancellationToken);
        var message = stored.ToResponse();
        activity?.SetTag("chat.message.id", message.Id);
        activity?.SetTag("chat.message.seq", message.Seq);
        activity?.SetTag("chat.message.duplicate", duplicate);

        if (duplicate)
        {
            telemetry.Duplicates.Add(1);
            return (new SendOutcome(message, Duplicate: true), null);
        }

        await hub.Clients.Users(senderId, peerId!).SendAsync(ChatEvents.MessageReceived, message, cancellationToken);
        storedHere.Set(message.Id, true, StoredHereWindow);
        telemetry.Sent.Add(1);
        telemetry.PushDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return (new SendOutcome(message, Duplicate: false), null);
    }

    public async Task<(MessagePage? Page, ClientError? Error)> HistoryAsync(
        string userId, string? peerId, long? before, long? after, int? limit, CancellationToken cancellationToken)
    {
        var pageSize = limit ?? DefaultPageSize;
        var errors = new ValidationErrors()
            .Check(before is null || after is null, "before", "Give before or after, not both.")
            .Check(before is null or >= 1, "before", "before must be at least 1.")
            .Check(after is null or >= 0, "after", "after must be at least 0.")
            .Check(pageSize is >= 1 and <= MaxPageSize, "limit", $"limit must be 1 to {MaxPageSize}.");
        if (ClientError.From(errors) is { } invalid) return (null, invalid);
        if (await PeerErrorAsync(userId, peerId, cancellationToken) is { } peerError) return (null, peerError);

        if (after is not null) telemetry.CatchUps.Add(1);
        var (items, hasMore) = await messages.PageAsync(ConversationIds.For(userId, peerId!), before, after, pageSize, cancellationToken);
        return (new MessagePage(items.Select(m => m.ToResponse()).ToList(), hasMore), null);
    }

    public async Task<List<ConversationResponse>> ConversationsAsync(string userId, CancellationToken cancellationToken)
    {
        var conversations = await messages.ConversationsOfAsync(userId, limit: 200, cancellationToken);
        if (conversations.Count == 0) return [];
        var peerIds = conversations.Select(c => c.Participants.First(p => p != userId)).ToList();
        var peers = (await users.FindManyAsync(peerIds, cancellationToken)).ToDictionary(u => u.Id);
        var lastMessages = (await messages.FindManyAsync(conversations.Select(c => c.LastMessageId!), cancellationToken)).ToDictionary(m => m.Id);
        var unread = await messages.UnreadCountsAsync(userId, conversations, cancellationToken);
        var online = await presence.OnlineAmongAsync(peerIds);

        return conversations
            .Select((c, i) => (Conversation: c, PeerId: peerIds[i]))
            .Where(x => peers.ContainsKey(x.PeerId))
            .Select(x => new ConversationResponse(
                x.Conversation.Id,
                peers[x.PeerId].ToContact(online.Contains(x.PeerId)),
                lastMessages.GetValueOrDefault(x.Conversation.LastMessageId!)?.ToResponse(),
                x.Conversation.LastSeq,
                unread.GetValueOrDefault(x.Conversation.Id),
                x.Conversation.ReadSeqOf(userId),
                x.Conversation.ReadSeqOf(x.PeerId)))
            .ToList();
    }

    /// <summary>
    /// A recipient's connection confirms it received a pushed message: records the delivery
    /// latency (server creation → receipt), tagged by whether this replica also stored it.
    /// Receipts of implausible age (clock trouble, replays) are ignored; it is a measurement only.
    /// </summary>
    public void ConfirmDelivery(string messageId, DateTime createdAt)
    {
        var latency = time.GetUtcNow().UtcDateTime - createdAt.ToUniversalTime();
        if (latency < TimeSpan.Zero || latency > TimeSpan.FromMinutes(5)) return;
        telemetry.DeliveryLatency.Record(latency.TotalMilliseconds,
            new KeyValuePair<string, object?>("chat.replica.same", storedHere.TryGetValue(messageId, out _)));
    }

    /// <summary>Moves the reader's read seq forward (never back) and tells both users' connections.</summary>
    public async Task<ClientError?> MarkReadAsync(string readerId, string? peerId, long? seq, CancellationToken cancellationToken)
    {
        if (seq is null or < 1) return ClientError.Invalid("seq", "seq must be at least 1.");
        if (await PeerErrorAsync(readerId, peerId, cancellationToken) is { } peerError) return peerError;

        var conversationId = ConversationIds.For(readerId, peerId!);
        var conversation = await messages.FindConversationAsync(conversationId, cancellationToken);
        if (conversation is null) return ClientError.NotFound("Conversation");
        if (seq > conversation.LastSeq) return ClientError.Invalid("seq", $"seq is beyond the last message ({conversation.LastSeq}).");

        if (await messages.MoveReadSeqAsync(conversationId, readerId, seq.Value, cancellationToken))
        {
            await hub.Clients.Users(readerId, peerId!).SendAsync(
                ChatEvents.ReadUpTo, new ReadUpToEvent(conversationId, readerId, seq.Value), cancellationToken);
        }
        return null;
    }

    /// <summary>Tells the peer's connections the user is typing; at most once a second per pair, cluster-wide.</summary>
    public async Task<ClientError?> TypingAsync(string userId, string? peerId, CancellationToken cancellationToken)
    {
        if (await PeerErrorAsync(userId, peerId, cancellationToken) is { } peerError) return peerError;
        var first = await redis.GetDatabase().StringSetAsync(
            $"chat:typing:{userId}:{peerId}", 1, TypingInterval, When.NotExists);
        if (first)
        {
            await hub.Clients.User(peerId!).SendAsync(
                ChatEvents.Typing, new TypingEvent(ConversationIds.For(userId, peerId!), userId), cancellationToken);
        }
        return null;
    }

    public async Task<(MessageResponse? Message, ClientError? Error)> EditAsync(
        string userId, string messageId, string? text, CancellationToken cancellationToken)
    {
        var trimmed = text?.Trim();
        if (string.IsNullOrEmpty(trimmed) || trimmed.Length > MaxTextLength)
        {
            return (null, ClientError.Invalid("text", $"Text must be 1 to {MaxTextLength} characters."));
        }
        if (!ObjectId.TryParse(messageId, out _)) return (null, ClientError.NotFound("Message"));

        var edited = await messages.EditAsync(messageId, userId, trimmed, time.UtcNowForStorage(), cancellationToken);
        if (edited is null)
        {
            // Someone else's message and no message at all look the same: a 404 reveals nothing.
            var own = await messages.FindByIdAsync(messageId, cancellationToken);
            return (null, own is { Deleted: true } && own.SenderId == userId
                ? new ClientError(StatusCodes.Status409Conflict, "A deleted message cannot be edited")
                : ClientError.NotFound("Message"));
        }
        return (await PushUpdateAsync(edited, cancellationToken), null);
    }

    public async Task<ClientError?> DeleteAsync(string userId, string messageId, CancellationToken cancellationToken)
    {
        if (!ObjectId.TryParse(messageId, out _)) return ClientError.NotFound("Message");
        var deleted = await messages.DeleteAsync(messageId, userId, cancellationToken);
        if (deleted is null) return ClientError.NotFound("Message");
        await PushUpdateAsync(deleted, cancellationToken);
        return null;
    }

    private async Task<MessageResponse> PushUpdateAsync(MessageDocument message, CancellationToken cancellationToken)
    {
        var response = message.ToResponse();
        await hub.Clients.Users(message.SenderId, message.RecipientId).SendAsync(ChatEvents.MessageUpdated, response, cancellationToken);
        return response;
    }

    private async Task<ClientError?> PeerErrorAsync(string userId, string? peerId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(peerId)) return ClientError.Invalid("peerId", "peerId is required.");
        if (peerId == userId) return ClientError.Invalid("peerId", "A conversation needs someone else.");
        return await users.FindByIdAsync(peerId, cancellationToken) is null ? ClientError.NotFound("User") : null;
    }
}

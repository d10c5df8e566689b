using Chat.Api.Privacy;
using Chat.Api.Security;
using Chat.Api.Validation;
using Microsoft.Extensions.Caching.Memory;

namespace Chat.Api.Messaging;

/// <summary>
/// Message requests (docs/api.md, Version 1.3): someone who takes messages only from their
/// conversations gets a first message from anyone else as a request. It is stored and shown to
/// them apart (<c>request: true</c>) until they accept it or answer it; meanwhile it pushes no
/// notification, and the sender learns nothing of them (read marks, typing, presence). A sender
/// starts at most <see cref="RateLimitOptions.Requests"/> a day. A pair known to be accepted is
/// remembered (accepted stays accepted), so a steady conversation costs no database command here.
/// </summary>
public sealed class MessageRequests(MessageStore messages, ConversationAccess access, PrivacySettings privacy, ConversationTies ties,
    UserRateLimits limits, IMemoryCache known, TimeProvider time)
{
    private static readonly TimeSpan RememberedFor = TimeSpan.FromHours(1);

    /// <summary>Whether the pair's next message from the sender is (part of) a request; a refusal when the sender may start no more today.</summary>
    public async Task<(bool IsRequest, ClientError? Error)> BeforeSendAsync(ConversationGrant pair, CancellationToken cancellationToken)
    {
        if (known.TryGetValue(Key(pair.ConversationId), out _)) return (false, null);
        var (senderId, recipientId) = (pair.UserId, pair.PeerId!);
        var conversation = await messages.FindConversationAsync(pair.ConversationId, cancellationToken);
        if (conversation?.RequestTo == recipientId) return (true, null);
        if (conversation?.RequestTo == senderId)
        {
            // Answering a request accepts it.
            await messages.AcceptRequestAsync(pair.ConversationId, senderId, cancellationToken);
            return (Accepted(pair.ConversationId), null);
        }
        if (conversation is not null && conversation.LastSeq > 0) return (Accepted(pair.ConversationId), null);

        // A first message.
        var choice = await privacy.OfAsync(recipientId, cancellationToken);
        if (choice.MessagesFrom == PrivacyDocument.Everyone || (await ties.OfAsync(recipientId, cancellationToken)).Contains(senderId))
        {
            return (false, null);
        }
        using (var lease = await limits.AcquireAsync(RateLimits.Requests, senderId, cancellationToken))
        {
            if (!lease.IsAcquired) return (false, RateLimits.Rejected(lease));
        }
        await messages.TryStartRequestAsync(pair.ConversationId, senderId, recipientId, time.GetUtcNow().UtcDateTime, cancellationToken);
        return (true, null);
    }

    /// <summary>The recipient accepts: it becomes a conversation. 404 when there is no conversation with the peer.</summary>
    public async Task<ClientError?> AcceptAsync(string userId, string? peerId, CancellationToken cancellationToken)
    {
        var (pair, refused) = await access.ResolveAsync(userId, ConversationRef.Pair(peerId), ConversationNeed.Read, cancellationToken);
        if (pair is null) return refused;
        var conversation = await messages.FindConversationAsync(pair.ConversationId, cancellationToken);
        if (conversation is null || conversation.LastSeq == 0) return ClientError.NotFound("Conversation");
        if (conversation.RequestTo == pair.UserId) await messages.AcceptRequestAsync(pair.ConversationId, pair.UserId, cancellationToken);
        return null;
    }

    /// <summary>The recipient deletes the request: hidden from them until the sender writes again. 404 when no request is waiting for them.</summary>
    public async Task<ClientError?> DeclineAsync(string userId, string? peerId, CancellationToken cancellationToken)
    {
        var (pair, refused) = await access.ResolveAsync(userId, ConversationRef.Pair(peerId), ConversationNeed.Read, cancellationToken);
        if (pair is null) return refused;
        var conversation = await messages.FindConversationAsync(pair.ConversationId, cancellationToken);
        var lastSeq = conversation is null ? 0 : (await messages.CatchUpAsync([conversation], cancellationToken))[0].LastSeq;
        if (conversation?.RequestTo != pair.UserId || lastSeq == 0) return ClientError.NotFound("Request");
        await messages.DeclineRequestAsync(pair.ConversationId, pair.UserId, lastSeq, cancellationToken);
        return null;
    }

    /// <summary>Whether the pair is a request still waiting for one of them (typing is not shown then).</summary>
    public async Task<bool> IsPendingAsync(ConversationGrant pair, CancellationToken cancellationToken)
    {
        if (known.TryGetValue(Key(pair.ConversationId), out _)) return false;
        return (await messages.FindConversationAsync(pair.ConversationId, cancellationToken))?.RequestTo is not null;
    }

    private bool Accepted(string conversationId)
    {
        known.Set(Key(conversationId), true, RememberedFor);
        return false;
    }

    private static string Key(string conversationId) => $"accepted:{conversationId}";
}

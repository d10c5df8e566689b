using Chat.Api.Blocking;
using Chat.Api.Contracts;
using Chat.Api.Realtime;
using Chat.Api.Validation;

namespace Chat.Api.Messaging;

/// <summary>
/// How far each participant has read: moved forward only, never past the last message, announced
/// to both (across a block, to the reader's own devices only).
/// </summary>
public sealed class ReadMarks(MessageStore messages, PeerCheck peers, BlockList blocks, ChatNotifier notifier)
{
    public async Task<ClientError?> MarkReadAsync(string readerId, string? peerId, long? seq, CancellationToken cancellationToken)
    {
        if (seq is null or < 1) return ClientError.Invalid("seq", "seq must be at least 1.");
        if (await peers.CheckAsync(readerId, peerId, cancellationToken) is { } peerError) return peerError;

        var conversationId = ConversationIds.For(readerId, peerId!);
        var conversation = await messages.FindConversationAsync(conversationId, cancellationToken);
        if (conversation is null) return ClientError.NotFound("Conversation");
        // The summary may trail the newest message by a moment: ask the messages before refusing.
        var lastSeq = seq > conversation.LastSeq ? await messages.LastSeqAsync(conversationId, cancellationToken) : conversation.LastSeq;
        if (seq > lastSeq) return ClientError.Invalid("seq", $"seq is beyond the last message ({lastSeq}).");

        // Only a mark that moved is announced: a repeated or older one changes nothing.
        if (await messages.MoveReadSeqAsync(conversationId, readerId, seq.Value, cancellationToken))
        {
            var (iBlocked, blockedMe) = await blocks.BetweenAsync(readerId, peerId!, cancellationToken);
            await notifier.ReadMovedAsync(new ReadUpToEvent(conversationId, readerId, seq.Value), peerId!, peerSees: !iBlocked && !blockedMe);
        }
        return null;
    }
}

using Chat.Api.Blocking;
using Chat.Api.Contacts;
using Chat.Api.Contracts;
using Chat.Api.Privacy;
using Chat.Api.Realtime;
using Chat.Api.Validation;

namespace Chat.Api.Messaging;

/// <summary>
/// How far each participant has read: moved forward only, never past the last message the reader
/// may read, announced to the reader's own devices and, in a pair, to the peer (not across a
/// block, and only where both have read receipts on); a group's members learn the progress of
/// all at most once a second (<see cref="GroupReadProgress"/>).
/// </summary>
public sealed class ReadMarks(
    MessageStore messages, ConversationAccess access, BlockList blocks, PrivacySettings privacy, GroupReadProgress groupProgress,
    ContactDirectory contacts, ChatNotifier notifier)
{
    /// <summary>
    /// "Seen by": the group's current members whose read seq reached <paramref name="seq"/> (any
    /// current member may ask), but those whose read marks the asker may not see.
    /// </summary>
    public async Task<(List<ContactResponse>? Readers, ClientError? Error)> ReadersAsync(
        string userId, string groupId, long seq, CancellationToken cancellationToken)
    {
        var (grant, refused) = await access.ResolveAsync(userId, ConversationRef.Group(groupId), ConversationNeed.Read, cancellationToken);
        if (grant is null) return (null, refused);
        if (!grant.IsMember) return (null, ConversationAccess.NoGroup);
        if (seq < 1) return (null, ClientError.Invalid("seq", "seq must be at least 1."));
        var conversation = await messages.FindConversationAsync(groupId, cancellationToken);
        var reached = grant.Group!.Members.Select(m => m.UserId).Where(id => conversation?.ReadSeqOf(id) >= seq).ToList();
        var visible = await privacy.ReadsVisibleToAsync(userId, reached, cancellationToken);
        var readerIds = reached.Where(visible.Contains).ToList();
        var (people, _) = await contacts.FindManyAsync(userId, readerIds, cancellationToken);
        return (readerIds.Where(people.ContainsKey).Select(id => people[id]).ToList(), null);
    }

    public async Task<ClientError?> MarkReadAsync(string readerId, ConversationRef target, long? seq, CancellationToken cancellationToken)
    {
        if (seq is null or < 1) return ClientError.Invalid("seq", "seq must be at least 1.");
        var (grant, refused) = await access.ResolveAsync(readerId, target, ConversationNeed.Read, cancellationToken);
        if (grant is null) return refused;

        var conversation = await messages.FindConversationAsync(grant.ConversationId, cancellationToken);
        if (conversation is null) return ClientError.NotFound("Conversation");
        // The summary may trail the newest message by a moment: ask the messages before refusing.
        var lastSeq = seq > conversation.LastSeq ? await messages.LastSeqAsync(grant.ConversationId, cancellationToken) : conversation.LastSeq;
        var readable = grant.ReadableUpTo(lastSeq);
        if (seq > readable) return ClientError.Invalid("seq", $"seq is beyond the last message ({readable}).");

        // Only a mark that moved is announced: a repeated or older one changes nothing.
        if (!await messages.MoveReadSeqAsync(grant.ConversationId, readerId, seq.Value, cancellationToken)) return null;
        var readUpTo = new ReadUpToEvent(grant.ConversationId, readerId, seq.Value);
        if (grant.IsGroup)
        {
            await notifier.ReadMovedAsync(readUpTo, peerId: null, peerSees: false);
            await groupProgress.MovedAsync(grant.ConversationId);
        }
        else
        {
            var (iBlocked, blockedMe) = await blocks.BetweenAsync(readerId, grant.PeerId!, cancellationToken);
            var receipts = await privacy.ReadsVisibleToAsync(grant.PeerId!, [readerId], cancellationToken);
            // The recipient of a request reads it unseen until they accept it.
            var peerSees = !iBlocked && !blockedMe && receipts.Contains(readerId) && conversation.RequestTo != readerId;
            await notifier.ReadMovedAsync(readUpTo, grant.PeerId, peerSees);
        }
        return null;
    }
}

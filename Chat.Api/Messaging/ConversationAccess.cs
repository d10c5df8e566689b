using Chat.Api.Accounts;
using Chat.Api.Blocking;
using Chat.Api.Groups;
using Chat.Api.Validation;

namespace Chat.Api.Messaging;

/// <summary>A conversation as a client names it: a pair by the peer's id, a group by its id.</summary>
public sealed record ConversationRef(string? PeerId, string? GroupId)
{
    public static ConversationRef Pair(string? peerId) => new(peerId, null);

    public static ConversationRef Group(string? groupId) => new(null, groupId);
}

/// <summary>What a user does in a conversation: read it, or write to it (send, react, type).</summary>
public enum ConversationNeed
{
    Read,
    Write,
}

/// <summary>
/// A checked answer of <see cref="ConversationAccess"/>: this user may use this conversation,
/// and here is what they may read of it and who receives what happens in it.
/// </summary>
public sealed record ConversationGrant(string UserId, string ConversationId, string? PeerId, GroupSnapshot? Group)
{
    public bool IsGroup => Group is not null;

    /// <summary>"direct" or "group", as the API and the telemetry name it.</summary>
    public string Kind => IsGroup ? ConversationDocument.Group : ConversationDocument.Direct;

    /// <summary>The user's membership (a group only).</summary>
    public GroupMemberDocument? Membership => Group?.Of(UserId);

    /// <summary>A pair always; a group only while the user is in it.</summary>
    public bool IsMember => Group is null || Membership!.IsIn;

    /// <summary>The seqs the user may read: all of a pair, a group's within the user's windows.</summary>
    public SeqWindow[]? Windows => Group is null ? null : Membership!.Windows;

    public bool CanRead(long seq) => Group is null || Membership!.Sees(seq);

    public long ReadableUpTo(long lastSeq) => Group is null ? lastSeq : Membership!.ReadableUpTo(lastSeq);

    /// <summary>Who sees the conversation's changes now: both of a pair, a group's current members.</summary>
    public IReadOnlyList<string> Viewers => Group is null ? [UserId, PeerId!] : Group.Members.Select(m => m.UserId).ToList();
}

/// <summary>
/// The one access rule for every path into a conversation, pairs and groups alike, REST and hub:
/// history, catch-up, sending, replies, reactions, read marks, typing, search and images all ask
/// here, and get a <see cref="ConversationGrant"/> or the refusal to send back. A pair needs a
/// peer who exists (and, to write, an account not deleted and no block between the two); a group needs a membership, now
/// to write, ever to read, and then only inside its windows. Someone who never was a member gets
/// the same 404 as for no group at all.
/// </summary>
public sealed class ConversationAccess(PeerCheck peers, BlockList blocks, GroupMembers groups)
{
    public static readonly ClientError NoGroup = ClientError.NotFound("Group");
    public static readonly ClientError Left = new(StatusCodes.Status403Forbidden, "You are not a member of this group",
        Detail: "You left or were removed; what you saw before stays readable.");

    /// <param name="blockQuestion">The block check's Redis half, when the caller sent it early (the send path).</param>
    public async Task<(ConversationGrant? Grant, ClientError? Error)> ResolveAsync(
        string userId, ConversationRef conversation, ConversationNeed need, CancellationToken cancellationToken,
        BlockList.Question? blockQuestion = null)
    {
        if (conversation.GroupId is { } groupId)
        {
            return await GroupAsync(userId, groupId, need, cancellationToken);
        }
        var peerId = conversation.PeerId;
        if (await peers.CheckAsync(userId, peerId, toWrite: need == ConversationNeed.Write, cancellationToken) is { } peerError) return (null, peerError);
        if (need == ConversationNeed.Write
            && await blocks.RefusalAsync(blockQuestion ?? blocks.Ask(userId, peerId!), cancellationToken) is { } blocked)
        {
            return (null, blocked);
        }
        return (new ConversationGrant(userId, ConversationIds.For(userId, peerId!), peerId, null), null);
    }

    /// <summary>
    /// The conversation a stored message belongs to, if the user may see that message: a pair's
    /// participants, a group member whose windows hold its seq. Anyone else: 404 for the message.
    /// </summary>
    public async Task<(ConversationGrant? Grant, ClientError? Error)> OfMessageAsync(
        string userId, MessageDocument message, ConversationNeed need, CancellationToken cancellationToken)
    {
        var notFound = ClientError.NotFound("Message");
        if (message.RecipientId is { } recipientId)
        {
            if (message.SenderId != userId && recipientId != userId) return (null, notFound);
            return await ResolveAsync(userId, ConversationRef.Pair(message.SenderId == userId ? recipientId : message.SenderId), need, cancellationToken);
        }
        if (!UserIds.IsCanonical(message.ConversationId)) return (null, notFound);
        return DecideForMessage(userId, message, await groups.GetAsync(message.ConversationId, cancellationToken), need);
    }

    /// <summary>A conversation by its id (a pair's "a_b", or a group's), as search's conversationId= names it.</summary>
    public Task<(ConversationGrant? Grant, ClientError? Error)> ByIdAsync(
        string userId, string conversationId, ConversationNeed need, CancellationToken cancellationToken)
    {
        if (conversationId.Split('_') is [var a, var b] && (a == userId || b == userId))
        {
            return ResolveAsync(userId, ConversationRef.Pair(a == userId ? b : a), need, cancellationToken);
        }
        return GroupAsync(userId, conversationId, need, cancellationToken);
    }

    /// <summary>A conversation by the id a client names it with where either kind fits (a peer's id or a group's), as /mute takes it.</summary>
    public async Task<(ConversationGrant? Grant, ClientError? Error)> ByPeerOrGroupIdAsync(
        string userId, string? id, ConversationNeed need, CancellationToken cancellationToken)
    {
        // Both are ObjectIds, never the same one: a group that exists is the group.
        if (UserIds.IsCanonical(id) && await groups.GetAsync(id!, cancellationToken) is { } group) return Decide(userId, group, need);
        return await ResolveAsync(userId, ConversationRef.Pair(id), need, cancellationToken);
    }

    private async Task<(ConversationGrant? Grant, ClientError? Error)> GroupAsync(
        string userId, string groupId, ConversationNeed need, CancellationToken cancellationToken) =>
        // Group ids are ObjectIds like user ids: any other spelling names nothing.
        UserIds.IsCanonical(groupId) ? Decide(userId, await groups.GetAsync(groupId, cancellationToken), need) : (null, NoGroup);

    /// <summary>The group rule: a member now may write; anyone ever in may read (within their windows); anyone else: 404.</summary>
    public static (ConversationGrant? Grant, ClientError? Error) Decide(string userId, GroupSnapshot? group, ConversationNeed need)
    {
        if (group?.Of(userId) is not { EverIn: true } membership) return (null, NoGroup);
        if (need == ConversationNeed.Write && !membership.IsIn) return (null, Left);
        return (new ConversationGrant(userId, group.Group.Id, null, group), null);
    }

    /// <summary>
    /// A group's message: outside the user's windows it is no message (404, whether or not they
    /// are in the group), then as <see cref="Decide"/>.
    /// </summary>
    public static (ConversationGrant? Grant, ClientError? Error) DecideForMessage(
        string userId, MessageDocument message, GroupSnapshot? group, ConversationNeed need)
    {
        var (grant, _) = Decide(userId, group, ConversationNeed.Read);
        if (grant is null || !grant.CanRead(message.Seq)) return (null, ClientError.NotFound("Message"));
        return need == ConversationNeed.Write && !grant.IsMember ? (null, Left) : (grant, null);
    }
}

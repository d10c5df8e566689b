using Chat.Api.Accounts;
using Chat.Api.Blocking;
using Chat.Api.Contacts;
using Chat.Api.Contracts;
using Chat.Api.Infrastructure.MongoDB;
using Chat.Api.Media;
using Chat.Api.Privacy;
using Chat.Api.Messaging;
using Chat.Api.Realtime;
using Chat.Api.Validation;
using Microsoft.Extensions.Options;
using MongoDB.Bson;

namespace Chat.Api.Groups;

/// <summary>
/// Groups' rules: creating, renaming, the avatar, adding and removing people, leaving, roles, and
/// who may do each (checked here for REST and hub alike). Every change is an event in the group's
/// timeline with its own seq (<see cref="MessageWriter"/>), so every member sees one order, and
/// membership windows start and end at those events:
/// <list type="bullet">
/// <item>Adding claims the memberships first (pending: no window yet), stores the <c>added</c>
/// event, then opens each window at its seq and moves the new members' connections in.</item>
/// <item>Removing (and leaving) closes the window first at a seq the event cannot precede (the
/// last stored + 1), takes the member's connections out of the group on every replica, then
/// stores the event and moves the window's end to it. So from the moment a removal is accepted
/// the member reads nothing new, and a crash in between leaves the window shorter, never longer.</item>
/// </list>
/// </summary>
public sealed class GroupService(
    GroupStore store, GroupMembers groups, MessageWriter writer, MessageStore messages, ConversationAccess access,
    UserStore users, BlockList blocks, ContactDirectory contacts, PrivacySettings privacy, MediaService media, ChatNotifier notifier,
    GroupTelemetry telemetry, IOptions<GroupOptions> options, TimeProvider time)
{
    // An add claimed but not finished this long ago (its replica stopped) may be claimed again.
    private static readonly TimeSpan PendingFor = TimeSpan.FromMinutes(1);

    private static readonly ClientError NotAdmin = new(StatusCodes.Status403Forbidden, "Only the group's admins can do this");
    private static readonly ClientError NotOwner = new(StatusCodes.Status403Forbidden, "Only the group's owner can do this");
    private static readonly ClientError NoMember = ClientError.NotFound("Member");
    private static readonly ClientError BlockedBy = new(StatusCodes.Status403Forbidden, "You can't add someone who blocked you");

    public async Task<(ConversationResponse? Conversation, ClientError? Error)> CreateAsync(
        string creatorId, CreateGroupRequest? request, CancellationToken cancellationToken)
    {
        var name = request?.Name?.Trim() ?? "";
        var memberIds = request?.MemberIds ?? [];
        var errors = CheckName(new ValidationErrors(), name)
            .Check(memberIds.All(UserIds.IsCanonical), "memberIds", "Every member is a user id.")
            .Check(memberIds.Distinct().Count() == memberIds.Count, "memberIds", "A person is named twice.")
            .Check(!memberIds.Contains(creatorId), "memberIds", "You are in the group already (as its owner).")
            .Check(memberIds.Count + 1 <= options.Value.MaxMembers, "memberIds", $"A group has at most {options.Value.MaxMembers} members.");
        if (ClientError.From(errors) is { } invalid) return (null, invalid);
        if (await CheckPeopleAsync(creatorId, memberIds, "memberIds", cancellationToken) is { } refused) return (null, refused);

        using var activity = GroupTelemetry.Source.StartActivity("create group");
        var groupId = ObjectId.GenerateNewId().ToString();
        activity?.SetTag("chat.conversation.id", groupId);
        var now = time.UtcNowForStorage();
        string[] everyone = [creatorId, .. memberIds];
        await store.InsertGroupAsync(new ConversationDocument
        {
            Id = groupId, Kind = ConversationDocument.Group, Name = name, CreatedAt = now, LastMessageAt = now,
            ReadSeqs = everyone.ToDictionary(id => id, _ => 0L),
        }, cancellationToken);
        // The first members' windows open at seq 1 (the created event), so they are written first.
        await store.InsertMembersAsync(everyone.Select(id => new GroupMemberDocument
        {
            Id = GroupMemberDocument.IdOf(groupId, id), GroupId = groupId, UserId = id,
            Role = id == creatorId ? GroupRoles.Owner : GroupRoles.Member,
            Current = true, ChangedAt = now, JoinedAt = now, Windows = [new SeqWindow(1, null)], Version = 1,
        }).ToList(), cancellationToken);
        await groups.ChangedAsync(groupId, everyone, []);

        List<MessageResponse> events = [await RecordAsync(groupId, creatorId, "created", [], name, cancellationToken)];
        if (memberIds.Count > 0) events.Add(await RecordAsync(groupId, creatorId, "added", memberIds, null, cancellationToken));
        await messages.MoveReadSeqAsync(groupId, creatorId, events[^1].Seq, cancellationToken);
        foreach (var created in events) await notifier.MessageCreatedAsync(created);
        telemetry.Created.Add(1);
        telemetry.MembersAdded.Record(everyone.Length);

        var group = await groups.GetAsync(groupId, cancellationToken);
        return (new ConversationResponse(groupId, null, events[^1], events[^1].Seq, 0, events[^1].Seq, 0,
            ConversationDocument.Group, group!.InfoFor(creatorId), 0), null);
    }

    /// <summary>The group and, for a member, its members with roles, presence and read positions.</summary>
    public async Task<(GroupResponse? Group, ClientError? Error)> GetAsync(string userId, string groupId, CancellationToken cancellationToken)
    {
        var (grant, refused) = await access.ResolveAsync(userId, ConversationRef.Group(groupId), ConversationNeed.Read, cancellationToken);
        if (grant is null) return (null, refused);
        var info = grant.Group!.InfoFor(userId);
        if (!grant.IsMember) return (new GroupResponse(info, []), null);
        return (new GroupResponse(info, await MembersAsync(userId, grant.Group, grant.Group.Members.ToList(), cancellationToken)), null);
    }

    public async Task<(GroupInfo? Group, ClientError? Error)> RenameAsync(string actorId, string groupId, string? name, CancellationToken cancellationToken)
    {
        var trimmed = name?.Trim() ?? "";
        if (ClientError.From(CheckName(new ValidationErrors(), trimmed)) is { } invalid) return (null, invalid);
        var (group, refused) = await ManagedAsync(actorId, groupId, cancellationToken);
        if (group is null) return (null, refused);
        if (group.Group.Name == trimmed) return (group.InfoFor(actorId), null);

        await store.SetNameAsync(groupId, trimmed, cancellationToken);
        return (await ChangedAsync(groupId, actorId, "renamed", [], trimmed, cancellationToken), null);
    }

    public async Task<(GroupInfo? Group, ClientError? Error)> SetAvatarAsync(string actorId, string groupId, byte[] file, CancellationToken cancellationToken)
    {
        var (group, refused) = await ManagedAsync(actorId, groupId, cancellationToken);
        if (group is null) return (null, refused);
        var (stored, error) = await media.UploadAsync(actorId, file, MediaService.GroupAvatarUse(groupId), cancellationToken);
        if (error is not null) return (null, error);
        await store.SetAvatarAsync(groupId, stored!.ThumbnailUrl, cancellationToken);
        await media.DeleteOtherGroupAvatarsAsync(groupId, stored.Id, cancellationToken);
        return (await ChangedAsync(groupId, actorId, "avatar", [], null, cancellationToken), null);
    }

    /// <summary>Adds people (those already in are ignored): one <c>added</c> event for all of them.</summary>
    public async Task<(List<MemberResponse>? Added, ClientError? Error)> AddMembersAsync(
        string actorId, string groupId, IReadOnlyList<string>? userIds, CancellationToken cancellationToken)
    {
        var ids = userIds ?? [];
        var errors = new ValidationErrors()
            .Check(ids.Count > 0, "userIds", "Name at least one person to add.")
            .Check(ids.Count <= options.Value.MaxMembers, "userIds", $"A group has at most {options.Value.MaxMembers} members.")
            .Check(ids.All(UserIds.IsCanonical), "userIds", "Every member is a user id.")
            .Check(ids.Distinct().Count() == ids.Count, "userIds", "A person is named twice.");
        if (ClientError.From(errors) is { } invalid) return (null, invalid);
        var (managed, refused) = await ManagedAsync(actorId, groupId, cancellationToken);
        if (managed is null) return (null, refused);
        if (await CheckPeopleAsync(actorId, ids.Where(id => id != actorId).ToList(), "userIds", cancellationToken) is { } people) return (null, people);

        var group = (await groups.ReadAsync(groupId, cancellationToken))!;
        var now = time.UtcNowForStorage();
        var joining = ids.Where(id => group.Of(id) is not { Current: true } m || m.Pending && now - m.ChangedAt > PendingFor).ToList();
        if (group.MemberCount + joining.Count > options.Value.MaxMembers)
        {
            return (null, new ClientError(StatusCodes.Status409Conflict, "The group is full",
                Detail: $"A group has at most {options.Value.MaxMembers} members."));
        }

        using var activity = GroupTelemetry.Source.StartActivity("add members");
        activity?.SetTag("chat.conversation.id", groupId);
        // Claimed first, so two admins adding one person at once add them once.
        var claimed = new List<GroupMemberDocument>();
        foreach (var id in joining)
        {
            var existing = group.Of(id);
            var pending = (existing ?? new GroupMemberDocument
            {
                Id = GroupMemberDocument.IdOf(groupId, id), GroupId = groupId, UserId = id, Role = GroupRoles.Member,
                ChangedAt = now, JoinedAt = now, Version = 1,
            }) with { Current = true, Pending = true, ChangedAt = now, Role = GroupRoles.Member };
            var won = existing is null
                ? await store.TryInsertMemberAsync(pending, cancellationToken) ? pending : null
                : await store.TryUpdateMemberAsync(existing, pending, cancellationToken);
            if (won is not null) claimed.Add(won);
        }
        if (claimed.Count == 0) return ([], null);

        var added = await RecordAsync(groupId, actorId, "added", claimed.Select(m => m.UserId).ToList(), null, cancellationToken);
        foreach (var member in claimed)
        {
            await store.TryUpdateMemberAsync(member, member with
            {
                Pending = false, JoinedAt = now, LeftAt = null, Listed = true, Windows = [.. member.Windows, new SeqWindow(added.Seq, null)],
            }, cancellationToken);
            // The event that let them in is their first unread message.
            await messages.SetReadSeqAsync(groupId, member.UserId, added.Seq - 1, cancellationToken);
        }
        await groups.ChangedAsync(groupId, claimed.Select(m => m.UserId).ToList(), []);
        await notifier.MessageCreatedAsync(added);
        telemetry.Changed("added");
        telemetry.MembersAdded.Record(claimed.Count);

        var now2 = (await groups.GetAsync(groupId, cancellationToken))!;
        await AnnounceAsync(now2, []);
        var joined = claimed.Select(m => now2.Of(m.UserId)).OfType<GroupMemberDocument>().ToList();
        return (await MembersAsync(actorId, now2, joined, cancellationToken), null);
    }

    /// <summary>An admin removes someone (not the owner), or anyone leaves (<paramref name="targetId"/> = themself).</summary>
    public async Task<ClientError?> RemoveAsync(string actorId, string groupId, string? targetId, CancellationToken cancellationToken)
    {
        var (grant, refused) = await access.ResolveAsync(actorId, ConversationRef.Group(groupId), ConversationNeed.Write, cancellationToken);
        if (grant is null) return refused;
        if (!UserIds.IsCanonical(targetId)) return NoMember;
        var leaving = targetId == actorId;

        var group = (await groups.ReadAsync(groupId, cancellationToken))!;
        if (group.Of(targetId!) is not { IsIn: true } target) return NoMember;
        if (!leaving && !GroupRoles.Manages(group.Of(actorId)?.Role ?? "")) return NotAdmin;
        if (!leaving && target.Role == GroupRoles.Owner) return new ClientError(StatusCodes.Status403Forbidden, "The owner can't be removed");

        using var activity = GroupTelemetry.Source.StartActivity(leaving ? "leave group" : "remove member");
        activity?.SetTag("chat.conversation.id", groupId);
        // The window closes before the event exists, at a seq the event cannot precede.
        var lastSeq = await messages.LastSeqAsync(groupId, cancellationToken);
        var now = time.UtcNowForStorage();
        var closed = await store.TryUpdateMemberAsync(target, target with
        {
            Current = false, Pending = false, Role = GroupRoles.Member, ChangedAt = now, LeftAt = now,
            Windows = [.. target.Windows[..^1], target.Windows[^1] with { To = lastSeq + 1 }],
        }, cancellationToken);
        // Another change came first (a second removal, the person leaving): theirs stands.
        if (closed is null) return null;
        await groups.ChangedAsync(groupId, [], [target.UserId]);

        var type = leaving ? "left" : "removed";
        var removal = await RecordAsync(groupId, actorId, type, [target.UserId], null, cancellationToken);
        await store.TryUpdateMemberAsync(closed, closed with { Windows = [.. closed.Windows[..^1], closed.Windows[^1] with { To = removal.Seq }] },
            cancellationToken);
        // Their last message of the group is the one that took them out.
        await notifier.MessageCreatedAsync(removal, formerMembers: [target.UserId]);
        telemetry.Changed(type);

        if (target.Role == GroupRoles.Owner) await HandOverAsync(groupId, target.UserId, cancellationToken);
        await AnnounceAsync((await groups.GetAsync(groupId, cancellationToken))!, [target.UserId]);
        return null;
    }

    /// <summary>The owner makes a member an admin or an admin a member again.</summary>
    public async Task<(MemberResponse? Member, ClientError? Error)> SetRoleAsync(
        string actorId, string groupId, string? targetId, string? role, CancellationToken cancellationToken)
    {
        if (role is not (GroupRoles.Admin or GroupRoles.Member)) return (null, ClientError.Invalid("role", "role is admin or member."));
        var (grant, refused) = await access.ResolveAsync(actorId, ConversationRef.Group(groupId), ConversationNeed.Write, cancellationToken);
        if (grant is null) return (null, refused);
        if (grant.Membership!.Role != GroupRoles.Owner) return (null, NotOwner);
        if (targetId == actorId) return (null, ClientError.Invalid("userId", "The owner's role passes on only when they leave."));
        if (!UserIds.IsCanonical(targetId)) return (null, NoMember);

        var group = (await groups.ReadAsync(groupId, cancellationToken))!;
        if (group.Of(targetId!) is not { IsIn: true } target) return (null, NoMember);
        if (target.Role != role)
        {
            if (await store.TryUpdateMemberAsync(target, target with { Role = role, ChangedAt = time.UtcNowForStorage() }, cancellationToken) is null)
            {
                return (null, new ClientError(StatusCodes.Status409Conflict, "The member changed meanwhile", Detail: "Try again."));
            }
            await RoleChangedAsync(groupId, actorId, target.UserId, role, cancellationToken);
            group = (await groups.GetAsync(groupId, cancellationToken))!;
            await notifier.GroupChangedAsync(new Dictionary<string, GroupInfo> { [target.UserId] = group.InfoFor(target.UserId) });
        }
        return ((await MembersAsync(actorId, group, [group.Of(target.UserId)!], cancellationToken))[0], null);
    }

    /// <summary>A former member takes the group off their conversation list.</summary>
    public async Task<ClientError?> ForgetAsync(string userId, string groupId, CancellationToken cancellationToken)
    {
        var (grant, refused) = await access.ResolveAsync(userId, ConversationRef.Group(groupId), ConversationNeed.Read, cancellationToken);
        if (grant is null) return refused;
        if (grant.IsMember) return new ClientError(StatusCodes.Status409Conflict, "Leave the group first");
        var membership = (await groups.ReadAsync(groupId, cancellationToken))!.Of(userId)!;
        if (membership.Listed && await store.TryUpdateMemberAsync(membership, membership with { Listed = false }, cancellationToken) is not null)
        {
            await groups.ChangedAsync(groupId, [], []);
        }
        return null;
    }

    // The owner left: the longest-standing admin takes over, else the longest-standing member;
    // nobody left, and the group has ended (it stays readable to its former members).
    private async Task HandOverAsync(string groupId, string formerOwnerId, CancellationToken cancellationToken)
    {
        var group = (await groups.ReadAsync(groupId, cancellationToken))!;
        var members = group.Members.ToList();
        if ((members.FirstOrDefault(m => m.Role == GroupRoles.Admin) ?? members.FirstOrDefault()) is not { } heir) return;
        if (await store.TryUpdateMemberAsync(heir, heir with { Role = GroupRoles.Owner, ChangedAt = time.UtcNowForStorage() }, cancellationToken) is null) return;
        await RoleChangedAsync(groupId, formerOwnerId, heir.UserId, GroupRoles.Owner, cancellationToken);
    }

    private async Task RoleChangedAsync(string groupId, string actorId, string userId, string role, CancellationToken cancellationToken)
    {
        await groups.ChangedAsync(groupId, [], []);
        await notifier.MessageCreatedAsync(await RecordAsync(groupId, actorId, "role", [userId], role, cancellationToken));
        telemetry.Changed("role");
    }

    // A change of the group itself (name, avatar): its event, and every member's new view.
    private async Task<GroupInfo> ChangedAsync(string groupId, string actorId, string type, IReadOnlyList<string> userIds, string? name,
        CancellationToken cancellationToken)
    {
        await groups.ChangedAsync(groupId, [], []);
        await notifier.MessageCreatedAsync(await RecordAsync(groupId, actorId, type, userIds, name, cancellationToken));
        telemetry.Changed(type);
        var group = (await groups.GetAsync(groupId, cancellationToken))!;
        await AnnounceAsync(group, []);
        return group.InfoFor(actorId);
    }

    // GroupChanged to every member, and to those who just left (with leftAt).
    private Task AnnounceAsync(GroupSnapshot group, IReadOnlyList<string> formerMembers) =>
        notifier.GroupChangedAsync(group.Members.Select(m => m.UserId).Concat(formerMembers).Distinct()
            .ToDictionary(id => id, group.InfoFor));

    // The event in the timeline: a message with its own seq, sent by whoever made the change.
    private async Task<MessageResponse> RecordAsync(
        string groupId, string actorId, string type, IReadOnlyList<string> userIds, string? name, CancellationToken cancellationToken)
    {
        var (stored, _) = await writer.AppendAsync(new MessageDocument
        {
            Id = ObjectId.GenerateNewId().ToString(),
            ConversationId = groupId,
            Seq = 0,
            ClientMessageId = $"event:{Guid.NewGuid():N}",
            SenderId = actorId,
            Event = new GroupEventDocument { Type = type, ActorId = actorId, UserIds = [.. userIds], Name = name },
            CreatedAt = time.UtcNowForStorage(),
        }, cancellationToken);
        return stored.ToResponse();
    }

    // The caller is in the group and one of its admins.
    private async Task<(GroupSnapshot? Group, ClientError? Error)> ManagedAsync(string actorId, string groupId, CancellationToken cancellationToken)
    {
        var (grant, refused) = await access.ResolveAsync(actorId, ConversationRef.Group(groupId), ConversationNeed.Write, cancellationToken);
        if (grant is null) return (null, refused);
        return GroupRoles.Manages(grant.Membership!.Role) ? (grant.Group, null) : (null, NotAdmin);
    }

    // People to add exist, and none of them blocked the one adding them.
    private async Task<ClientError?> CheckPeopleAsync(string actorId, IReadOnlyList<string> ids, string field, CancellationToken cancellationToken)
    {
        if (ids.Count == 0) return null;
        if ((await users.FindManyAsync(ids, cancellationToken)).Count(u => u.DeletedAt is null) != ids.Count) return ClientError.Invalid(field, "Someone named is not a user.");
        var (_, blockedMe) = await blocks.AmongAsync(actorId, ids, cancellationToken);
        return blockedMe.Count > 0 ? BlockedBy : null;
    }

    private async Task<List<MemberResponse>> MembersAsync(
        string viewerId, GroupSnapshot group, IReadOnlyList<GroupMemberDocument> members, CancellationToken cancellationToken)
    {
        var conversation = messages.FindConversationAsync(group.Group.Id, cancellationToken);
        var (people, _) = await contacts.FindManyAsync(viewerId, members.Select(m => m.UserId).ToList(), cancellationToken);
        var receipts = await privacy.ReadsVisibleToAsync(viewerId, members.Select(m => m.UserId).ToList(), cancellationToken);
        var readSeqs = (await conversation)?.ReadSeqs ?? [];
        return members.Where(m => people.ContainsKey(m.UserId))
            .Select(m => new MemberResponse(people[m.UserId], m.Role, m.JoinedAt, receipts.Contains(m.UserId) ? readSeqs.GetValueOrDefault(m.UserId) : 0))
            .ToList();
    }

    private static ValidationErrors CheckName(ValidationErrors errors, string name) => errors
        .Check(name.Length is >= 1 and <= GroupOptions.MaxNameLength, "name", $"The name must be 1 to {GroupOptions.MaxNameLength} characters.")
        .Check(!name.Any(char.IsControl), "name", "The name must not contain control characters.");
}

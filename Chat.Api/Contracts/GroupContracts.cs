namespace Chat.Api.Contracts;

// Groups in docs/api.md (API 1.2), and the hub's group payloads.

public sealed record CreateGroupRequest(string? Name, IReadOnlyList<string>? MemberIds);

public sealed record RenameGroupRequest(string? Name);

public sealed record AddMembersRequest(IReadOnlyList<string>? UserIds);

public sealed record SetRoleRequest(string? Role);

/// <summary>A group as one member sees it: <c>MyRole</c> null and <c>LeftAt</c> set once they left.</summary>
public sealed record GroupInfo(
    string Id, string Name, string? AvatarUrl, int MemberCount, string? MyRole, DateTime CreatedAt, DateTime? LeftAt);

public sealed record MemberResponse(ContactResponse User, string Role, DateTime JoinedAt, long ReadSeq);

/// <summary>GET /api/groups/{id}: a former member gets the group with no members.</summary>
public sealed record GroupResponse(GroupInfo Group, IReadOnlyList<MemberResponse> Members);

public sealed record GroupChangedEvent(GroupInfo Group);

public sealed record GroupReader(string UserId, long Seq);

public sealed record GroupReadProgressEvent(string ConversationId, IReadOnlyList<GroupReader> Readers);

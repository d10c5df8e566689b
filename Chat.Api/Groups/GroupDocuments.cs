using MongoDB.Bson.Serialization.Attributes;

namespace Chat.Api.Groups;

public static class GroupRoles
{
    public const string Owner = "owner";
    public const string Admin = "admin";
    public const string Member = "member";

    /// <summary>May rename the group, change its avatar, add and remove members.</summary>
    public static bool Manages(string role) => role is Owner or Admin;
}

/// <summary>
/// The seqs one membership may read: from the event that let the member in to the one that
/// took them out, both included (<c>To</c> null while they are in).
/// </summary>
public sealed record SeqWindow(long From, long? To)
{
    public bool Contains(long seq) => seq >= From && (To is null || seq <= To);
}

/// <summary>
/// One person's membership of one group in <c>group_members</c> (id "{groupId}:{userId}"), kept
/// after they leave: their windows say what they may still read. Every change is conditional on
/// <see cref="Version"/> (no lost updates without MongoDB's array operators, which the stand-in
/// lacks). <see cref="Pending"/> marks an add in flight: claimed, its window not opened yet (the
/// window starts at the <c>added</c> event's seq, known only once that is stored).
/// </summary>
public sealed record GroupMemberDocument
{
    [BsonId]
    public required string Id { get; init; }
    public required string GroupId { get; init; }
    public required string UserId { get; init; }
    public required string Role { get; init; }
    /// <summary>In the group now (or being added: <see cref="Pending"/>).</summary>
    public bool Current { get; init; }
    public bool Pending { get; init; }
    public required DateTime ChangedAt { get; init; }
    /// <summary>When the current (or last) window opened.</summary>
    public required DateTime JoinedAt { get; init; }
    public DateTime? LeftAt { get; init; }
    public SeqWindow[] Windows { get; init; } = [];
    /// <summary>In the user's conversation list (a former member removes it with DELETE .../conversation).</summary>
    public bool Listed { get; init; } = true;
    public long Version { get; init; }

    public static string IdOf(string groupId, string userId) => $"{groupId}:{userId}";

    /// <summary>A member now: in, and not still being added.</summary>
    [BsonIgnore]
    public bool IsIn => Current && !Pending;

    /// <summary>Ever had a window: a member now or before (someone never in gets 404 for everything of the group).</summary>
    [BsonIgnore]
    public bool EverIn => IsIn || Windows.Length > 0;

    public bool Sees(long seq) => Windows.Any(w => w.Contains(seq));

    /// <summary>The last seq this membership may read, given the group's last seq.</summary>
    public long ReadableUpTo(long lastSeq) => IsIn ? lastSeq : Math.Min(lastSeq, Windows.LastOrDefault()?.To ?? 0);
}

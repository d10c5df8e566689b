using System.ComponentModel.DataAnnotations;

namespace Chat.Api.Groups;

/// <summary>Group settings (section "Groups", passed through by the AppHost like RateLimits).</summary>
public sealed class GroupOptions
{
    public const string Section = "Groups";
    public const int MaxNameLength = 100;
    /// <summary>People one message may mention.</summary>
    public const int MaxMentions = 50;

    /// <summary>Members a group may have, its owner included (API 400 at creation, 409 when adding beyond).</summary>
    [Range(2, 10_000)]
    public int MaxMembers { get; set; } = 256;
}

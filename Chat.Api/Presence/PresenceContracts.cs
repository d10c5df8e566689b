namespace Chat.Api.Presence;

/// <summary>One entry of a PresenceChanged event: only users whose state changed.</summary>
public sealed record PresenceDelta(string UserId, bool Online, DateTime? LastSeenAt);

public static class PresenceEvents
{
    public const string PresenceChanged = nameof(PresenceChanged);
}

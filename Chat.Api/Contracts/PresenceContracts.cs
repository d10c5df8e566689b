namespace Chat.Api.Contracts;

/// <summary>One entry of a PresenceChanged event: only users whose state changed.</summary>
public sealed record PresenceDelta(string UserId, bool Online, DateTime? LastSeenAt);

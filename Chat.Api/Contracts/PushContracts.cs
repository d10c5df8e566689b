namespace Chat.Api.Contracts;

// Push in docs/api.md (Version 1.3).

public sealed record PushKeyResponse(string PublicKey);

public sealed record PushSubscriptionKeys(string? P256dh, string? Auth);

/// <summary>The browser's <c>PushSubscription.toJSON()</c>.</summary>
public sealed record PushSubscriptionRequest(string? Endpoint, long? ExpirationTime, PushSubscriptionKeys? Keys);

public sealed record PushUnsubscribeRequest(string? Endpoint);

/// <summary>A device that receives pushes; <c>Current</c>: the one asking.</summary>
public sealed record PushDeviceResponse(string Id, string Device, DateTime CreatedAt, bool Current);

/// <summary>
/// What a push carries, encrypted for the device: which conversation and seq, and whether it
/// mentions the user — never the text (the service worker fetches it with its own session).
/// </summary>
public sealed record PushPayload(string ConversationId, long Seq, string Kind)
{
    public const string Message = "message";
    public const string Mention = "mention";
}

/// <summary>The user muted or unmuted a conversation (on any device): <c>ConversationId</c> as in Message.</summary>
public sealed record MuteChangedEvent(string ConversationId, bool Muted);

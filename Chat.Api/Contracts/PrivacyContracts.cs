namespace Chat.Api.Contracts;

// Privacy in docs/api.md (Version 1.3).

/// <summary>
/// Who sees what of me: <c>ReadReceipts</c> (false: nobody sees my read marks, and I see nobody's),
/// <c>LastSeen</c> ("everyone", "conversations", "nobody": who sees me online and when I was last seen),
/// <c>MessagesFrom</c> ("everyone", "conversations": anyone else's first message is a request).
/// </summary>
public sealed record PrivacyResponse(bool ReadReceipts, string LastSeen, string MessagesFrom);

/// <summary>A change to the settings; a field left out keeps its value.</summary>
public sealed record PrivacyRequest(bool? ReadReceipts, string? LastSeen, string? MessagesFrom);

using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using MongoDB.Bson.Serialization.Attributes;

namespace Chat.Api.Push;

/// <summary>
/// One device's push subscription, tied to the session that made it (log-out ends it). The id is
/// derived from the endpoint, so an endpoint is stored once whoever registers it last.
/// </summary>
public sealed record PushSubscriptionDocument
{
    [BsonId]
    public required string Id { get; init; }
    public required string UserId { get; init; }
    public required string SessionId { get; init; }
    /// <summary>When the session's token expires: a push after that could only say "New message".</summary>
    public required DateTime SessionExpiresAt { get; init; }
    public required string Endpoint { get; init; }
    public required string P256dh { get; init; }
    public required string Auth { get; init; }
    /// <summary>"Chrome on Linux", from the User-Agent at subscription.</summary>
    public required string Device { get; init; }
    public required DateTime CreatedAt { get; init; }

    public static string IdOf(string endpoint) =>
        WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.UTF8.GetBytes(endpoint)))[..22];
}

/// <summary>A conversation the user muted (no pushes but for mentions); the id is "{userId}:{conversationId}".</summary>
public sealed record MuteDocument
{
    [BsonId]
    public required string Id { get; init; }
    public required string UserId { get; init; }
    public required string ConversationId { get; init; }
    public required DateTime CreatedAt { get; init; }

    public static string IdOf(string userId, string conversationId) => $"{userId}:{conversationId}";
}

using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Chat.Api.Identity;

public static class ClaimsPrincipalExtensions
{
    /// <summary>The signed-in user's id (the token's subject).</summary>
    public static string UserId(this ClaimsPrincipal user) =>
        user.FindFirstValue(JwtRegisteredClaimNames.Sub) ?? throw new InvalidOperationException("Not authenticated.");

    /// <summary>This session's (device's) id, null for a token without one.</summary>
    public static string? SessionId(this ClaimsPrincipal user) => user.FindFirstValue(SessionTokens.SessionIdClaim);

    /// <summary>When this session's token expires, null when it does not say.</summary>
    public static DateTimeOffset? SessionExpiresAt(this ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue(JwtRegisteredClaimNames.Exp), out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;
}

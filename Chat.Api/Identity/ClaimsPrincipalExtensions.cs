using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Chat.Api.Identity;

public static class ClaimsPrincipalExtensions
{
    /// <summary>The signed-in user's id (the token's subject).</summary>
    public static string UserId(this ClaimsPrincipal user) =>
        user.FindFirstValue(JwtRegisteredClaimNames.Sub) ?? throw new InvalidOperationException("Not authenticated.");
}

using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Chat.Api.Identity;

/// <summary>
/// The session token: a JWT signed with HMAC-SHA256 under a key every replica shares (an Aspire
/// secret parameter), so a cookie issued by one replica is accepted by all.
/// </summary>
public sealed class SessionTokens
{
    public const string Issuer = "chat";
    public const string Audience = "chat";
    public const string SessionStampClaim = "sst";
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);
    private const int MinimumKeyLength = 32;

    private readonly SigningCredentials _credentials;
    private readonly JsonWebTokenHandler _handler = new();
    private readonly TimeProvider _time;

    public SessionTokens(IConfiguration configuration, TimeProvider time)
    {
        var key = configuration["Auth:SigningKey"];
        if (string.IsNullOrEmpty(key) || key.Length < MinimumKeyLength)
        {
            throw new InvalidOperationException(
                $"Auth:SigningKey must be set to at least {MinimumKeyLength} characters (the AppHost passes its 'auth-signing-key' parameter).");
        }
        SigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key));
        _credentials = new SigningCredentials(SigningKey, SecurityAlgorithms.HmacSha256);
        _time = time;
    }

    public SymmetricSecurityKey SigningKey { get; }

    public (string Token, DateTimeOffset ExpiresAt) Issue(string userId, string sessionStamp)
    {
        var now = _time.GetUtcNow();
        var expires = now + Lifetime;
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Subject = new ClaimsIdentity([
                new Claim(JwtRegisteredClaimNames.Sub, userId),
                new Claim(SessionStampClaim, sessionStamp),
            ]),
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = _credentials,
        });
        return (token, expires);
    }

    /// <summary>What a token must satisfy: our issuer and audience, HS256 with our key, unexpired.</summary>
    public TokenValidationParameters ValidationParameters() => new()
    {
        ValidIssuer = Issuer,
        ValidAudience = Audience,
        IssuerSigningKey = SigningKey,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        RequireSignedTokens = true,
        RequireExpirationTime = true,
        ClockSkew = TimeSpan.FromSeconds(30),
        NameClaimType = JwtRegisteredClaimNames.Sub,
    };
}

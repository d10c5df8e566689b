using System.Buffers.Text;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Chat.Api.Identity;

/// <summary>
/// The session token: a JWT signed with HMAC-SHA256 under a key every replica shares (an Aspire
/// secret parameter, <see cref="AuthOptions.SigningKey"/>), so a cookie issued by one replica is accepted by all.
/// </summary>
public sealed class SessionTokens
{
    public const string Issuer = "chat";
    public const string Audience = "chat";
    public const string SessionStampClaim = "sst";
    public const string SessionIdClaim = "sid";

    private readonly SigningCredentials _credentials;
    private readonly JsonWebTokenHandler _handler = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _lifetime;

    public SessionTokens(IOptions<AuthOptions> options, TimeProvider time)
    {
        SigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(options.Value.SigningKey));
        _lifetime = options.Value.SessionLifetime;
        _credentials = new SigningCredentials(SigningKey, SecurityAlgorithms.HmacSha256);
        _time = time;
    }

    public SymmetricSecurityKey SigningKey { get; }

    /// <summary>
    /// A token for a new session, or (<paramref name="sessionId"/> and <paramref name="expiresAt"/>
    /// given) a fresh one for a session that goes on under a new stamp (a password change).
    /// </summary>
    public (string Token, DateTimeOffset ExpiresAt, string SessionId) Issue(string userId, string sessionStamp, string? sessionId = null, DateTimeOffset? expiresAt = null)
    {
        var now = _time.GetUtcNow();
        var expires = expiresAt ?? now + _lifetime;
        sessionId ??= Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Subject = new ClaimsIdentity([
                new Claim(JwtRegisteredClaimNames.Sub, userId),
                new Claim(SessionStampClaim, sessionStamp),
                // This session's own id, so log-out can end it alone.
                new Claim(SessionIdClaim, sessionId),
            ]),
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = _credentials,
        });
        return (token, expires, sessionId);
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

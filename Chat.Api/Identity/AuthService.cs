using System.Security.Claims;
using Chat.Api.Accounts;
using Chat.Api.Contracts;
using Chat.Api.Infrastructure.MongoDB;
using Chat.Api.Push;
using Chat.Api.Realtime;
using Chat.Api.Validation;
using Microsoft.AspNetCore.Identity;
using Microsoft.IdentityModel.JsonWebTokens;
using MongoDB.Bson;

namespace Chat.Api.Identity;

/// <summary>
/// Sign-up, log-in and the end of sessions. A signed-in user gets a session token; the endpoint
/// puts it in the cookie. Every session carries the user's session stamp: a new stamp ends them all.
/// </summary>
public sealed class AuthService(
    UserStore users, IPasswordHasher<UserDocument> hasher, LoginThrottle throttle, SessionTokens tokens,
    Sessions sessions, ConnectionRegistry connections, PushSubscriptions pushDevices, TimeProvider time)
{
    public sealed record SignedIn(UserResponse User, string Token, DateTimeOffset ExpiresAt);

    public async Task<(SignedIn? Session, ClientError? Error)> SignUpAsync(SignUpRequest request, CancellationToken cancellationToken)
    {
        var email = AccountValidation.NormalizeEmail(request.Email);
        var fullName = AccountValidation.NormalizeFullName(request.FullName);
        var errors = new ValidationErrors().Email(email).Password(request.Password).FullName(fullName);
        if (ClientError.From(errors) is { } invalid) return (null, invalid);

        var user = new UserDocument
        {
            Id = ObjectId.GenerateNewId().ToString(),
            Email = email,
            FullName = fullName,
            FullNameKey = UserDocument.KeyOf(fullName),
            NameWords = UserDocument.WordsOf(fullName),
            PasswordHash = "",
            CreatedAt = time.UtcNowForStorage(),
            SessionStamp = UserStore.NewSessionStamp(),
        };
        user = user with { PasswordHash = hasher.HashPassword(user, request.Password!) };

        if (!await users.TryCreateAsync(user, cancellationToken))
        {
            return (null, new ClientError(StatusCodes.Status409Conflict, "Email already registered",
                Detail: "An account with this email exists; log in instead."));
        }
        return (Start(user), null);
    }

    public async Task<(SignedIn? Session, ClientError? Error)> LogInAsync(
        LogInRequest request, string clientAddress, CancellationToken cancellationToken)
    {
        var email = AccountValidation.NormalizeEmail(request.Email);
        // Bounded before anything is counted or hashed: no address can be too long to be an
        // account's, and no password longer than sign-up allows can be right.
        var errors = new ValidationErrors()
            .Check(email.Length is > 0 and <= AccountValidation.EmailMaxLength, "email", "Email is required, at most 254 characters.")
            .Check(request.Password is { Length: > 0 and <= AccountValidation.PasswordMaxLength }, "password",
                $"Password is required, at most {AccountValidation.PasswordMaxLength} characters.");
        if (ClientError.From(errors) is { } invalid) return (null, invalid);

        var attempt = await throttle.BeginAsync(email, clientAddress);
        if (attempt.RetryAfter is { } retryAfter)
        {
            return (null, new ClientError(StatusCodes.Status429TooManyRequests, "Too many log-in attempts",
                Detail: "Wait before trying again (see Retry-After).", RetryAfter: retryAfter));
        }

        // An unknown email costs the same hash verification as a wrong password, so the
        // response time does not tell which emails have accounts.
        var user = await users.FindByEmailAsync(email, cancellationToken);
        var checkedAgainst = user ?? DecoyUser.Value;
        var verified = hasher.VerifyHashedPassword(checkedAgainst, checkedAgainst.PasswordHash, request.Password!);
        if (user is null || verified == PasswordVerificationResult.Failed)
        {
            return (null, new ClientError(StatusCodes.Status401Unauthorized, "Wrong email or password"));
        }

        await throttle.SucceededAsync(attempt);
        return (Start(user), null);
    }

    /// <summary>
    /// Ends this session on every replica: its token is refused from now on (a copied cookie
    /// included), its open hub connections close and its device gets no more pushes. Nothing to
    /// do without a valid session.
    /// </summary>
    public async Task LogOutAsync(ClaimsPrincipal user)
    {
        if (user.FindFirstValue(JwtRegisteredClaimNames.Sub) is not { } userId
            || user.FindFirstValue(SessionTokens.SessionIdClaim) is not { } sessionId
            || user.FindFirstValue(JwtRegisteredClaimNames.Exp) is not { } exp
            || !long.TryParse(exp, out var expiresAt))
        {
            return;
        }
        await sessions.EndAsync(userId, sessionId, DateTimeOffset.FromUnixTimeSeconds(expiresAt));
        await connections.CloseSessionAsync(sessionId);
        await pushDevices.SessionEndedAsync(userId, sessionId, CancellationToken.None);
    }

    /// <summary>Ends every session of the user: a new stamp (checked on every request), their open hub connections closed, no device pushed to.</summary>
    public async Task LogOutEverywhereAsync(string userId, CancellationToken cancellationToken)
    {
        await sessions.RenewStampAsync(userId, cancellationToken);
        await connections.CloseUserAsync(userId);
        await pushDevices.UserSignedOutAsync(userId, cancellationToken);
    }

    /// <summary>The signed-in user; a 401 when the account is gone.</summary>
    public async Task<(UserResponse? User, ClientError? Error)> CurrentUserAsync(string userId, CancellationToken cancellationToken) =>
        await users.FindByIdAsync(userId, cancellationToken) is { } user
            ? (user.ToResponse(), null)
            : (null, ClientError.SessionEnded);

    private SignedIn Start(UserDocument user)
    {
        var (token, expiresAt) = tokens.Issue(user.Id, user.SessionStamp);
        return new SignedIn(user.ToResponse(), token, expiresAt);
    }

    private static readonly Lazy<UserDocument> DecoyUser = new(() =>
    {
        var decoy = new UserDocument
        {
            Id = ObjectId.Empty.ToString(), Email = "", FullName = "", FullNameKey = "", NameWords = [],
            PasswordHash = "", CreatedAt = DateTime.UnixEpoch, SessionStamp = "",
        };
        return decoy with { PasswordHash = new PasswordHasher<UserDocument>().HashPassword(decoy, Guid.NewGuid().ToString()) };
    });
}

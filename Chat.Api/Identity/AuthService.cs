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
/// Sign-up, log-in, the devices signed in and their end, and password changes. A signed-in user gets a session token; the endpoint
/// puts it in the cookie. Every session carries the user's session stamp: a new stamp ends them all.
/// </summary>
public sealed class AuthService(
    UserStore users, IPasswordHasher<UserDocument> hasher, LoginThrottle throttle, SessionTokens tokens,
    Sessions sessions, ConnectionRegistry connections, PushSubscriptions pushDevices, TimeProvider time)
{
    public sealed record SignedIn(UserResponse User, string Token, DateTimeOffset ExpiresAt);

    /// <summary>The device asking: its User-Agent and address (after the web front's forwarded headers).</summary>
    public sealed record Device(string? UserAgent, System.Net.IPAddress? Address)
    {
        public string ClientAddress => Address?.ToString() ?? "unknown";
    }

    public async Task<(SignedIn? Session, ClientError? Error)> SignUpAsync(SignUpRequest request, Device device, CancellationToken cancellationToken)
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
        return (await StartAsync(user, device, cancellationToken), null);
    }

    public async Task<(SignedIn? Session, ClientError? Error)> LogInAsync(
        LogInRequest request, Device device, CancellationToken cancellationToken)
    {
        var email = AccountValidation.NormalizeEmail(request.Email);
        // Bounded before anything is counted or hashed: no address can be too long to be an
        // account's, and no password longer than sign-up allows can be right.
        var errors = new ValidationErrors()
            .Check(email.Length is > 0 and <= AccountValidation.EmailMaxLength, "email", "Email is required, at most 254 characters.")
            .Check(request.Password is { Length: > 0 and <= AccountValidation.PasswordMaxLength }, "password",
                $"Password is required, at most {AccountValidation.PasswordMaxLength} characters.");
        if (ClientError.From(errors) is { } invalid) return (null, invalid);

        var (user, refused) = await VerifyAsync(email, request.Password!, device, cancellationToken);
        return user is null ? (null, refused) : (await StartAsync(user, device, cancellationToken), null);
    }

    /// <summary>
    /// The password check of log-in and of a password change, under the log-in throttle: the user
    /// when <paramref name="password"/> is theirs. An unknown email costs the same hash
    /// verification as a wrong password, so the response time does not tell which emails have accounts.
    /// </summary>
    private async Task<(UserDocument? User, ClientError? Error)> VerifyAsync(string email, string password, Device device, CancellationToken cancellationToken)
    {
        var attempt = await throttle.BeginAsync(email, device.ClientAddress);
        if (attempt.RetryAfter is { } retryAfter)
        {
            return (null, new ClientError(StatusCodes.Status429TooManyRequests, "Too many log-in attempts",
                Detail: "Wait before trying again (see Retry-After).", RetryAfter: retryAfter));
        }
        // A deleted account's placeholder address names no one.
        var user = await users.FindByEmailAsync(email, cancellationToken) is { DeletedAt: null } found ? found : null;
        var checkedAgainst = user ?? DecoyUser.Value;
        var verified = hasher.VerifyHashedPassword(checkedAgainst, checkedAgainst.PasswordHash, password);
        if (user is null || verified == PasswordVerificationResult.Failed)
        {
            return (null, new ClientError(StatusCodes.Status401Unauthorized, "Wrong email or password"));
        }
        await throttle.SucceededAsync(attempt);
        return (user, null);
    }

    /// <summary>
    /// Ends this session on every replica: its token is refused from now on (a copied cookie
    /// included, also after a Redis restart), its open hub connections close and its device gets
    /// no more pushes. Nothing to do without a valid session.
    /// </summary>
    public async Task LogOutAsync(ClaimsPrincipal user)
    {
        if (user.FindFirstValue(JwtRegisteredClaimNames.Sub) is not { } userId || user.SessionId() is not { } sessionId) return;
        await EndAsync(userId, sessionId, user.SessionExpiresAt() ?? time.GetUtcNow(), CancellationToken.None);
    }

    /// <summary>Ends every session of the user: a new stamp (checked on every request), their open hub connections closed, no device pushed to.</summary>
    public async Task LogOutEverywhereAsync(string userId, CancellationToken cancellationToken)
    {
        await sessions.EndAllAsync(userId, keptSessionId: null, cancellationToken);
        await connections.CloseUserAsync(userId);
        await pushDevices.UserSignedOutAsync(userId, cancellationToken);
    }

    /// <summary>The user's signed-in devices, newest first; <paramref name="currentSessionId"/> marks the one asking.</summary>
    public async Task<List<SessionResponse>> SessionsAsync(string userId, string? currentSessionId, CancellationToken cancellationToken) =>
        (await sessions.ActiveOfAsync(userId, cancellationToken))
            .Select(s => new SessionResponse(s.Id, s.Device, s.CreatedAt, s.LastActiveAt, s.Place, s.Id == currentSessionId))
            .ToList();

    /// <summary>Signs one of the user's devices out, everywhere at once (404 for a session that is not theirs or already ended).</summary>
    public async Task<ClientError?> EndSessionAsync(string userId, string sessionId, CancellationToken cancellationToken)
    {
        if (sessionId.Length > 64) return ClientError.NotFound("Session");
        var session = (await sessions.ActiveOfAsync(userId, cancellationToken)).FirstOrDefault(s => s.Id == sessionId);
        if (session is null) return ClientError.NotFound("Session");
        await EndAsync(userId, sessionId, new DateTimeOffset(session.ExpiresAt, TimeSpan.Zero), cancellationToken);
        return null;
    }

    private async Task EndAsync(string userId, string sessionId, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        await sessions.EndAsync(userId, sessionId, expiresAt, cancellationToken);
        await connections.CloseSessionAsync(sessionId);
        await pushDevices.SessionEndedAsync(userId, sessionId, cancellationToken);
    }

    /// <summary>
    /// A new password, the current one given (under the log-in throttle): the new hash replaces the
    /// old and every other session ends; this one goes on with a fresh token (the new stamp).
    /// </summary>
    public async Task<(SignedIn? Session, ClientError? Error)> ChangePasswordAsync(
        ClaimsPrincipal principal, ChangePasswordRequest request, Device device, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors()
            .Check(request.CurrentPassword is { Length: > 0 and <= AccountValidation.PasswordMaxLength }, "currentPassword",
                $"currentPassword is required, at most {AccountValidation.PasswordMaxLength} characters.")
            .Password(request.NewPassword, "newPassword")
            .Check(request.NewPassword is null || request.NewPassword != request.CurrentPassword, "newPassword", "The new password is the current one.");
        if (ClientError.From(errors) is { } invalid) return (null, invalid);
        var (user, refused) = await ConfirmPasswordAsync(principal.UserId(), request.CurrentPassword!, device, cancellationToken);
        if (user is null) return (null, refused);
        await users.SetPasswordHashAsync(user.Id, hasher.HashPassword(user, request.NewPassword!), cancellationToken);

        var sessionId = principal.SessionId();
        var stamp = await sessions.EndAllAsync(user.Id, sessionId, cancellationToken);
        await connections.CloseUserAsync(user.Id, exceptSessionId: sessionId);
        await pushDevices.UserSignedOutAsync(user.Id, cancellationToken, exceptSessionId: sessionId);
        var (token, expiresAt, _) = tokens.Issue(user.Id, stamp, sessionId, principal.SessionExpiresAt());
        return (new SignedIn(user.ToResponse(), token, expiresAt), null);
    }

    /// <summary>The signed-in user's own password, asked again before a change that matters (under the log-in throttle).</summary>
    public async Task<(UserDocument? User, ClientError? Error)> ConfirmPasswordAsync(
        string userId, string password, Device device, CancellationToken cancellationToken)
    {
        if (await users.FindByIdAsync(userId, cancellationToken) is not { } account) return (null, ClientError.SessionEnded);
        var (user, refused) = await VerifyAsync(account.Email, password, device, cancellationToken);
        return user is null ? (null, refused!.Status == StatusCodes.Status401Unauthorized ? WrongPassword : refused) : (user, null);
    }

    public static readonly ClientError WrongPassword = new(StatusCodes.Status401Unauthorized, "Wrong password",
        Detail: "The current password is not right.");

    /// <summary>The signed-in user; a 401 when the account is gone.</summary>
    public async Task<(UserResponse? User, ClientError? Error)> CurrentUserAsync(string userId, CancellationToken cancellationToken) =>
        await users.FindByIdAsync(userId, cancellationToken) is { } user
            ? (user.ToResponse(), null)
            : (null, ClientError.SessionEnded);

    private async Task<SignedIn> StartAsync(UserDocument user, Device device, CancellationToken cancellationToken)
    {
        var (token, expiresAt, sessionId) = tokens.Issue(user.Id, user.SessionStamp);
        var now = time.UtcNowForStorage();
        await sessions.StartAsync(new SessionDocument
        {
            Id = sessionId, UserId = user.Id, Device = DeviceNames.Describe(device.UserAgent), Place = NetworkPlace.Of(device.Address),
            CreatedAt = now, LastActiveAt = now, ExpiresAt = expiresAt.UtcDateTime,
        }, cancellationToken);
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

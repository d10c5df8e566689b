using Chat.Api.Accounts;
using Chat.Api.Identity;
using Chat.Api.Infrastructure.MongoDB;
using Chat.Api.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using MongoDB.Bson;

namespace Chat.Api.Apis;

/// <summary>Sign-up, log-in and sessions (API.md, Accounts).</summary>
public static class AuthApi
{
    public static void MapAuthApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/auth").WithTags("Accounts");
        api.MapPost("/signup", SignUp);
        api.MapPost("/login", LogIn);
        api.MapPost("/logout", LogOut);
        api.MapPost("/logout-all", LogOutEverywhere).RequireAuthorization();
        api.MapGet("/me", Me).RequireAuthorization();
    }

    public static async Task<Results<Created<UserResponse>, ValidationProblem, ProblemHttpResult>> SignUp(
        SignUpRequest request, HttpContext context, UserStore users, IPasswordHasher<UserDocument> hasher,
        SessionTokens tokens, TimeProvider time, CancellationToken cancellationToken)
    {
        var email = AccountValidation.NormalizeEmail(request.Email);
        var fullName = AccountValidation.NormalizeFullName(request.FullName);
        var errors = new ValidationErrors().Email(email).Password(request.Password).FullName(fullName);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

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
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
                title: "Email already registered", detail: "An account with this email exists; log in instead.");
        }

        StartSession(context, tokens, user);
        return TypedResults.Created("/api/auth/me", user.ToResponse());
    }

    public static async Task<Results<Ok<UserResponse>, ValidationProblem, ProblemHttpResult>> LogIn(
        LogInRequest request, HttpContext context, UserStore users, IPasswordHasher<UserDocument> hasher,
        LoginThrottle throttle, SessionTokens tokens, CancellationToken cancellationToken)
    {
        var email = AccountValidation.NormalizeEmail(request.Email);
        var errors = new ValidationErrors()
            .Check(email.Length > 0, "email", "Email is required.")
            .Check(!string.IsNullOrEmpty(request.Password), "password", "Password is required.");
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var attempt = await throttle.BeginAsync(email, ClientAddress(context));
        if (attempt.RetryAfter is { } retryAfter)
        {
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString();
            return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests,
                title: "Too many log-in attempts", detail: "Wait before trying again (see Retry-After).");
        }

        // An unknown email costs the same hash verification as a wrong password, so the
        // response time does not tell which emails have accounts.
        var user = await users.FindByEmailAsync(email, cancellationToken);
        var verified = hasher.VerifyHashedPassword(user ?? DecoyUser.Value, (user ?? DecoyUser.Value).PasswordHash, request.Password!);
        if (user is null || verified == PasswordVerificationResult.Failed)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized,
                title: "Wrong email or password");
        }

        await throttle.SucceededAsync(attempt);
        StartSession(context, tokens, user);
        return TypedResults.Ok(user.ToResponse());
    }

    public static NoContent LogOut(HttpContext context)
    {
        SessionCookie.Clear(context);
        return TypedResults.NoContent();
    }

    public static async Task<NoContent> LogOutEverywhere(
        HttpContext context, SessionStamps stamps, HubSessions hubSessions, CancellationToken cancellationToken)
    {
        await stamps.RenewAsync(context.User.UserId(), cancellationToken);
        await hubSessions.EndAllAsync(context.User.UserId());
        SessionCookie.Clear(context);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<UserResponse>, UnauthorizedHttpResult>> Me(
        HttpContext context, UserStore users, CancellationToken cancellationToken) =>
        await users.FindByIdAsync(context.User.UserId(), cancellationToken) is { } user
            ? TypedResults.Ok(user.ToResponse())
            : TypedResults.Unauthorized();

    private static void StartSession(HttpContext context, SessionTokens tokens, UserDocument user)
    {
        var (token, expiresAt) = tokens.Issue(user.Id, user.SessionStamp);
        SessionCookie.Write(context, token, expiresAt);
    }

    // After UseForwardedHeaders, the browser's address as the web front saw it.
    private static string ClientAddress(HttpContext context) =>
        context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

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

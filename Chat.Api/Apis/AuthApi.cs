using Chat.Api.Contracts;
using Chat.Api.Identity;
using Chat.Api.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Api.Apis;

/// <summary>Sign-up, log-in and sessions (docs/api.md, Accounts): the session token goes into the cookie here.</summary>
public static class AuthApi
{
    public static void MapAuthApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/auth").WithTags("Accounts");
        api.MapPost("/signup", SignUp).RequireRateLimiting(RateLimits.SignUp);
        api.MapPost("/login", LogIn);
        api.MapPost("/logout", LogOut);
        api.MapPost("/logout-all", LogOutEverywhere).RequireAuthorization();
        api.MapGet("/me", Me).RequireAuthorization();
        api.MapGet("/sessions", ListSessions).RequireAuthorization();
        api.MapDelete("/sessions/{id}", EndSession).RequireAuthorization();
        api.MapPut("/password", ChangePassword).RequireAuthorization();
    }

    // After UseForwardedHeaders, the browser's address as the web front saw it.
    internal static AuthService.Device DeviceOf(HttpContext context) => new(context.Request.Headers.UserAgent, context.Connection.RemoteIpAddress);

    public static async Task<Results<Created<UserResponse>, ProblemHttpResult>> SignUp(
        SignUpRequest request, HttpContext context, AuthService auth, CancellationToken cancellationToken)
    {
        var (session, error) = await auth.SignUpAsync(request, DeviceOf(context), cancellationToken);
        if (error is not null) return error.ToProblem(context);
        SessionCookie.Write(context, session!.Token, session.ExpiresAt);
        return TypedResults.Created("/api/auth/me", session.User);
    }

    public static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> LogIn(
        LogInRequest request, HttpContext context, AuthService auth, CancellationToken cancellationToken)
    {
        var (session, error) = await auth.LogInAsync(request, DeviceOf(context), cancellationToken);
        if (error is not null) return error.ToProblem(context);
        SessionCookie.Write(context, session!.Token, session.ExpiresAt);
        return TypedResults.Ok(session.User);
    }

    /// <summary>Ends the caller's session if it has one (a copy of its cookie stops working too), and clears the cookie.</summary>
    public static async Task<NoContent> LogOut(HttpContext context, AuthService auth)
    {
        await auth.LogOutAsync(context.User);
        SessionCookie.Clear(context);
        return TypedResults.NoContent();
    }

    public static async Task<NoContent> LogOutEverywhere(HttpContext context, AuthService auth, CancellationToken cancellationToken)
    {
        await auth.LogOutEverywhereAsync(context.User.UserId(), cancellationToken);
        SessionCookie.Clear(context);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> Me(
        HttpContext context, AuthService auth, CancellationToken cancellationToken)
    {
        var (user, error) = await auth.CurrentUserAsync(context.User.UserId(), cancellationToken);
        return error is null ? TypedResults.Ok(user) : error.ToProblem(context);
    }

    public static async Task<Ok<List<SessionResponse>>> ListSessions(HttpContext context, AuthService auth, CancellationToken cancellationToken) =>
        TypedResults.Ok(await auth.SessionsAsync(context.User.UserId(), context.User.SessionId(), cancellationToken));

    /// <summary>Signs a device out at once, everywhere; ending this very session is a log-out (the cookie goes too).</summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> EndSession(
        string id, HttpContext context, AuthService auth, CancellationToken cancellationToken)
    {
        if (await auth.EndSessionAsync(context.User.UserId(), id, cancellationToken) is { } error) return error.ToProblem(context);
        if (id == context.User.SessionId()) SessionCookie.Clear(context);
        return TypedResults.NoContent();
    }

    /// <summary>204 with a fresh cookie for this session; every other session has ended.</summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> ChangePassword(
        ChangePasswordRequest request, HttpContext context, AuthService auth, CancellationToken cancellationToken)
    {
        var (session, error) = await auth.ChangePasswordAsync(context.User, request, DeviceOf(context), cancellationToken);
        if (error is not null) return error.ToProblem(context);
        SessionCookie.Write(context, session!.Token, session.ExpiresAt);
        return TypedResults.NoContent();
    }
}

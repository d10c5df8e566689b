using System.Security.Claims;
using Chat.Api.Accounts;
using Chat.Api.Identity;
using Chat.Api.Infrastructure;
using Chat.Api.Infrastructure.MongoDB;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Identity;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Chat.Api.Extensions;

public static class AuthenticationExtensions
{
    /// <summary>
    /// Cookie-carried JWT authentication for the REST API and the hub alike, with the session
    /// stamp checked on each request, and what signing up and logging in need.
    /// </summary>
    private static readonly object SessionCheckUnavailable = new();

    /// <summary>A request whose session could not be checked (Redis or MongoDB not answering) gets 503, not 401.</summary>
    public static void UseSessionCheckFailures(this WebApplication app) => app.Use((context, next) =>
        context.Items.ContainsKey(SessionCheckUnavailable)
            ? DependencyFailures.Unavailable.ToProblem(context).ExecuteAsync(context)
            : next(context));

    public static void AddChatAuthentication(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<SessionTokens>();
        builder.Services.AddSingleton<SessionStore>();
        builder.Services.AddSingleton(new MongoIndexes.Definition(SessionStore.CreateIndexesAsync));
        builder.Services.AddSingleton<Sessions>();
        builder.Services.AddSingleton<LoginThrottle>();
        builder.Services.AddSingleton<IPasswordHasher<UserDocument>, PasswordHasher<UserDocument>>();
        builder.Services.AddSingleton<AuthService>();
        builder.Services.AddSingleton<AccountDeletion>();

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<SessionTokens>((options, tokens) =>
            {
                options.TokenValidationParameters = tokens.ValidationParameters();
                options.MapInboundClaims = false; // keep "sub" as "sub"
                options.Events = new JwtBearerEvents
                {
                    // The token rides in the HttpOnly cookie, for REST calls and the hub's
                    // WebSocket upgrade alike; never in a header or the query string.
                    OnMessageReceived = context =>
                    {
                        context.Token = SessionCookie.Read(context.HttpContext);
                        return Task.CompletedTask;
                    },
                    OnTokenValidated = async context =>
                    {
                        var userId = context.Principal?.FindFirstValue(JwtRegisteredClaimNames.Sub);
                        try
                        {
                            var current = userId is not null && await context.HttpContext.RequestServices.GetRequiredService<Sessions>().IsCurrentAsync(
                                userId,
                                context.Principal?.FindFirstValue(SessionTokens.SessionStampClaim),
                                context.Principal?.FindFirstValue(SessionTokens.SessionIdClaim),
                                context.Principal?.SessionExpiresAt() ?? DateTimeOffset.UtcNow,
                                context.HttpContext.RequestAborted);
                            if (!current) context.Fail("The session has ended.");
                        }
                        // (StackExchange.Redis cancels what it had in flight when it drops a stalled connection.)
                        catch (Exception ex) when (DependencyFailures.IsUnavailable(ex)
                            || (ex is OperationCanceledException && !context.HttpContext.RequestAborted.IsCancellationRequested))
                        {
                            // Unknown is not "ended": a 401 would sign every client out during a
                            // Redis outage. The request gets a 503 "try again" instead (below).
                            context.HttpContext.Items[SessionCheckUnavailable] = true;
                            context.Fail("The session could not be checked.");
                        }
                    },
                };
            });
        builder.Services.AddAuthorization();

    }
}

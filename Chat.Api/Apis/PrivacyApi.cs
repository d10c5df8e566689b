using Chat.Api.Contracts;
using Chat.Api.Identity;
using Chat.Api.Privacy;
using Chat.Api.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Api.Apis;

/// <summary>Who sees what of me (docs/api.md, Version 1.3, Privacy).</summary>
public static class PrivacyApi
{
    public static void MapPrivacyApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/users/me/privacy").WithTags("Privacy").RequireAuthorization();
        api.MapGet("/", Get);
        api.MapPut("/", Update).RequireRateLimiting(RateLimits.Settings);
    }

    public static async Task<Ok<PrivacyResponse>> Get(HttpContext context, PrivacyService privacy, CancellationToken cancellationToken) =>
        TypedResults.Ok(await privacy.GetAsync(context.User.UserId(), cancellationToken));

    public static async Task<Results<Ok<PrivacyResponse>, ProblemHttpResult>> Update(
        PrivacyRequest request, HttpContext context, PrivacyService privacy, CancellationToken cancellationToken)
    {
        var (settings, error) = await privacy.UpdateAsync(context.User.UserId(), request, cancellationToken);
        return error is null ? TypedResults.Ok(settings) : error.ToProblem(context);
    }
}

using Chat.Api.Contracts;
using Chat.Api.Identity;
using Chat.Api.Messaging;
using Chat.Api.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Api.Apis;

/// <summary>Searching one's messages (docs/api.md, Search).</summary>
public static class SearchApi
{
    public static void MapSearchApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/search").WithTags("Search").RequireAuthorization();
        api.MapGet("/messages", Messages).RequireRateLimiting(RateLimits.Search);
    }

    public static async Task<Results<Ok<SearchPage>, ProblemHttpResult>> Messages(
        string? q, string? peerId, string? conversationId, string? before, int? limit, HttpContext context, MessageSearch search,
        CancellationToken cancellationToken)
    {
        var (page, error) = await search.SearchAsync(context.User.UserId(), q, peerId, conversationId, before, limit, cancellationToken);
        return error is null ? TypedResults.Ok(page) : error.ToProblem(context);
    }
}

using Chat.Api.Blocking;
using Chat.Api.Contacts;
using Chat.Api.Contracts;
using Chat.Api.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Api.Apis;

/// <summary>Blocking people and the list of those blocked (docs/api.md, Blocking).</summary>
public static class BlocksApi
{
    public static void MapBlocksApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/users").WithTags("Blocking").RequireAuthorization();
        api.MapGet("/blocked", Blocked);
        api.MapPut("/{id}/block", Block);
        api.MapDelete("/{id}/block", Unblock);
    }

    public static async Task<Ok<List<ContactResponse>>> Blocked(HttpContext context, ContactDirectory directory, CancellationToken cancellationToken) =>
        TypedResults.Ok(await directory.BlockedAsync(context.User.UserId(), cancellationToken));

    public static async Task<Results<NoContent, ProblemHttpResult>> Block(
        string id, HttpContext context, BlockList blocks, CancellationToken cancellationToken) =>
        await blocks.BlockAsync(context.User.UserId(), id, cancellationToken) is { } error ? error.ToProblem(context) : TypedResults.NoContent();

    public static async Task<Results<NoContent, ProblemHttpResult>> Unblock(
        string id, HttpContext context, BlockList blocks, CancellationToken cancellationToken) =>
        await blocks.UnblockAsync(context.User.UserId(), id, cancellationToken) is { } error ? error.ToProblem(context) : TypedResults.NoContent();
}

using Chat.Api.Contracts;
using Chat.Api.Identity;
using Chat.Api.Messaging;
using Chat.Api.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Api.Apis;

/// <summary>Editing and deleting one's own messages, reacting to any of the conversation's (docs/api.md, Conversations and messages).</summary>
public static class MessagesApi
{
    public static void MapMessagesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/messages").WithTags("Messages").RequireAuthorization();
        api.MapPatch("/{id}", Edit);
        api.MapDelete("/{id}", Delete);
        api.MapPut("/{id}/reactions/{emoji}", (string id, string emoji, HttpContext context, Reactions reactions, CancellationToken cancellationToken) =>
            React(id, emoji, on: true, context, reactions, cancellationToken)).RequireRateLimiting(RateLimits.Reactions);
        api.MapDelete("/{id}/reactions/{emoji}", (string id, string emoji, HttpContext context, Reactions reactions, CancellationToken cancellationToken) =>
            React(id, emoji, on: false, context, reactions, cancellationToken)).RequireRateLimiting(RateLimits.Reactions);
    }

    /// <summary>Adds (PUT) or removes (DELETE) the caller's reaction; 200 with the message either way (idempotent).</summary>
    public static async Task<Results<Ok<MessageResponse>, ProblemHttpResult>> React(
        string id, string emoji, bool on, HttpContext context, Reactions reactions, CancellationToken cancellationToken)
    {
        var (message, error) = await reactions.SetAsync(context.User.UserId(), id, emoji, on, cancellationToken);
        return error is null ? TypedResults.Ok(message) : error.ToProblem(context);
    }

    public static async Task<Results<Ok<MessageResponse>, ProblemHttpResult>> Edit(
        string id, EditMessageRequest request, HttpContext context, MessageEditor editor, CancellationToken cancellationToken)
    {
        var (message, error) = await editor.EditAsync(context.User.UserId(), id, request.Text, cancellationToken);
        return error is null ? TypedResults.Ok(message) : error.ToProblem(context);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        string id, HttpContext context, MessageEditor editor, CancellationToken cancellationToken) =>
        await editor.DeleteAsync(context.User.UserId(), id, cancellationToken) is { } error
            ? error.ToProblem(context)
            : TypedResults.NoContent();
}

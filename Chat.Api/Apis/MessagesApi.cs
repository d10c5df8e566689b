using Chat.Api.Contracts;
using Chat.Api.Identity;
using Chat.Api.Messaging;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Api.Apis;

/// <summary>Editing and deleting one's own messages (docs/api.md, Conversations and messages).</summary>
public static class MessagesApi
{
    public static void MapMessagesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/messages").WithTags("Messages").RequireAuthorization();
        api.MapPatch("/{id}", Edit);
        api.MapDelete("/{id}", Delete);
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

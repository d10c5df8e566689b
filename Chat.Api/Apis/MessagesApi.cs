using Chat.Api.Identity;
using Chat.Api.Messaging;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Api.Apis;

/// <summary>Editing and deleting one's own messages (API.md, Conversations and messages).</summary>
public static class MessagesApi
{
    public static void MapMessagesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/messages").WithTags("Messages").RequireAuthorization();
        api.MapPatch("/{id}", Edit);
        api.MapDelete("/{id}", Delete);
    }

    public static async Task<Results<Ok<MessageResponse>, ProblemHttpResult>> Edit(
        string id, EditMessageRequest request, HttpContext context, MessagingService messaging,
        CancellationToken cancellationToken)
    {
        var (message, error) = await messaging.EditAsync(context.User.UserId(), id, request.Text, cancellationToken);
        return error is null ? TypedResults.Ok(message) : error.ToProblem();
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        string id, HttpContext context, MessagingService messaging, CancellationToken cancellationToken) =>
        await messaging.DeleteAsync(context.User.UserId(), id, cancellationToken) is { } error
            ? error.ToProblem()
            : TypedResults.NoContent();
}

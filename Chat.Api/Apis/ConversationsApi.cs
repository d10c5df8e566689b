using System.Diagnostics;
using Chat.Api.Contracts;
using Chat.Api.Identity;
using Chat.Api.Infrastructure;
using Chat.Api.Messaging;
using Chat.Api.Push;
using Chat.Api.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Api.Apis;

/// <summary>Conversations, history, sending and read marks (docs/api.md, Conversations and messages).</summary>
public static class ConversationsApi
{
    public static void MapConversationsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/conversations").WithTags("Conversations").RequireAuthorization();
        api.MapGet("/", ListConversations);
        api.MapGet("/{peerId}/messages", History);
        api.MapPost("/{peerId}/messages", Send).WithRequestTimeout(DependencyFailures.SendPolicy); // rate limited by MessageSender, with the hub's sends
        api.MapPost("/{peerId}/read", MarkRead).RequireRateLimiting(RateLimits.ReadMarks);
        api.MapPost("/{peerId}/accept", AcceptRequest).RequireRateLimiting(RateLimits.Settings);
        api.MapDelete("/{peerId}/request", DeclineRequest).RequireRateLimiting(RateLimits.Settings);
        api.MapPut("/{id}/mute", Mute).RequireRateLimiting(RateLimits.Settings);
        api.MapDelete("/{id}/mute", Unmute).RequireRateLimiting(RateLimits.Settings);
    }

    public static async Task<Ok<List<ConversationResponse>>> ListConversations(
        HttpContext context, ConversationReader reader, CancellationToken cancellationToken) =>
        TypedResults.Ok(await reader.ConversationsAsync(context.User.UserId(), cancellationToken));

    public static async Task<Results<Ok<MessagePage>, ProblemHttpResult>> History(
        string peerId, long? before, long? after, int? limit, HttpContext context, ConversationReader reader,
        CancellationToken cancellationToken)
    {
        var (page, error) = await reader.HistoryAsync(context.User.UserId(), ConversationRef.Pair(peerId), before, after, limit, cancellationToken);
        return error is null ? TypedResults.Ok(page) : error.ToProblem(context);
    }

    /// <summary>201 with the new message; 200 with the original when the clientMessageId repeats.</summary>
    public static async Task<Results<Created<MessageResponse>, Ok<MessageResponse>, ProblemHttpResult>> Send(
        string peerId, SendMessageRequest request, HttpContext context, MessageSender sender, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var (sent, error) = await sender.SendAsync(context.User.UserId(), ConversationRef.Pair(peerId), request, cancellationToken);
        if (error is not null) return error.ToProblem(context);
        ServerTiming.Send(context, started);
        return sent!.Duplicate
            ? TypedResults.Ok(sent.Message)
            : TypedResults.Created($"/api/conversations/{peerId}/messages?after={sent.Message.Seq - 1}&limit=1", sent.Message);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> MarkRead(
        string peerId, MarkReadRequest request, HttpContext context, ReadMarks reads, CancellationToken cancellationToken) =>
        await reads.MarkReadAsync(context.User.UserId(), ConversationRef.Pair(peerId), request.Seq, cancellationToken) is { } error
            ? error.ToProblem(context)
            : TypedResults.NoContent();

    /// <summary>A message request becomes a conversation (204 also when it is one already).</summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> AcceptRequest(
        string peerId, HttpContext context, MessageRequests requests, CancellationToken cancellationToken) =>
        await requests.AcceptAsync(context.User.UserId(), peerId, cancellationToken) is { } error ? error.ToProblem(context) : TypedResults.NoContent();

    /// <summary>A message request is deleted: out of the caller's lists until the sender writes again (the sender is not told).</summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> DeclineRequest(
        string peerId, HttpContext context, MessageRequests requests, CancellationToken cancellationToken) =>
        await requests.DeclineAsync(context.User.UserId(), peerId, cancellationToken) is { } error ? error.ToProblem(context) : TypedResults.NoContent();

    /// <summary>Mutes a pair (<paramref name="id"/>: the peer's id) or a group (its id) on every device of the caller.</summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> Mute(
        string id, HttpContext context, ConversationMutes mutes, CancellationToken cancellationToken) =>
        await mutes.SetAsync(context.User.UserId(), id, muted: true, cancellationToken) is { } error ? error.ToProblem(context) : TypedResults.NoContent();

    public static async Task<Results<NoContent, ProblemHttpResult>> Unmute(
        string id, HttpContext context, ConversationMutes mutes, CancellationToken cancellationToken) =>
        await mutes.SetAsync(context.User.UserId(), id, muted: false, cancellationToken) is { } error ? error.ToProblem(context) : TypedResults.NoContent();
}

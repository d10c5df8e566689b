using System.Diagnostics;
using Chat.Api.Contracts;
using Chat.Api.Groups;
using Chat.Api.Identity;
using Chat.Api.Infrastructure;
using Chat.Api.Media;
using Chat.Api.Messaging;
using Chat.Api.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Chat.Api.Apis;

/// <summary>Group conversations (docs/api.md, Version 1.2: groups): the group, its members, its messages.</summary>
public static class GroupsApi
{
    public static void MapGroupsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/groups").WithTags("Groups").RequireAuthorization();
        api.MapPost("/", Create).RequireRateLimiting(RateLimits.GroupCreate);
        api.MapGet("/{id}", Get);
        api.MapPatch("/{id}", Rename);
        api.MapPut("/{id}/avatar", SetAvatar).RequireRateLimiting(RateLimits.Upload).WithRequestTimeout(DependencyFailures.UploadPolicy);
        api.MapPost("/{id}/members", AddMembers).RequireRateLimiting(RateLimits.GroupAdd);
        api.MapDelete("/{id}/members/{userId}", RemoveMember);
        api.MapPut("/{id}/members/{userId}/role", SetRole);
        api.MapDelete("/{id}/conversation", Forget);
        api.MapGet("/{id}/messages", History);
        api.MapPost("/{id}/messages", Send).WithRequestTimeout(DependencyFailures.SendPolicy); // rate limited by MessageSender, with every other send
        api.MapPost("/{id}/read", MarkRead).RequireRateLimiting(RateLimits.ReadMarks);
        api.MapGet("/{id}/messages/{seq}/readers", Readers);
    }

    public static async Task<Results<Created<ConversationResponse>, ProblemHttpResult>> Create(
        CreateGroupRequest request, HttpContext context, GroupService groups, CancellationToken cancellationToken)
    {
        var (conversation, error) = await groups.CreateAsync(context.User.UserId(), request, cancellationToken);
        return error is null ? TypedResults.Created($"/api/groups/{conversation!.Id}", conversation) : error.ToProblem(context);
    }

    public static async Task<Results<Ok<GroupResponse>, ProblemHttpResult>> Get(
        string id, HttpContext context, GroupService groups, CancellationToken cancellationToken)
    {
        var (group, error) = await groups.GetAsync(context.User.UserId(), id, cancellationToken);
        return error is null ? TypedResults.Ok(group) : error.ToProblem(context);
    }

    public static async Task<Results<Ok<GroupInfo>, ProblemHttpResult>> Rename(
        string id, RenameGroupRequest request, HttpContext context, GroupService groups, CancellationToken cancellationToken)
    {
        var (group, error) = await groups.RenameAsync(context.User.UserId(), id, request.Name, cancellationToken);
        return error is null ? TypedResults.Ok(group) : error.ToProblem(context);
    }

    /// <summary>multipart/form-data with a part named "file", like the profile's avatar.</summary>
    public static async Task<Results<Ok<GroupInfo>, ProblemHttpResult>> SetAvatar(
        string id, HttpContext context, GroupService groups, IOptions<MediaOptions> options, CancellationToken cancellationToken)
    {
        var (file, readError) = await MultipartUpload.ReadFileAsync(context.Request, options.Value.MaxUploadBytes, cancellationToken);
        if (readError is not null) return readError.ToProblem(context);
        var (group, error) = await groups.SetAvatarAsync(context.User.UserId(), id, file!, cancellationToken);
        return error is null ? TypedResults.Ok(group) : error.ToProblem(context);
    }

    public static async Task<Results<Ok<List<MemberResponse>>, ProblemHttpResult>> AddMembers(
        string id, AddMembersRequest request, HttpContext context, GroupService groups, CancellationToken cancellationToken)
    {
        var (added, error) = await groups.AddMembersAsync(context.User.UserId(), id, request.UserIds, cancellationToken);
        return error is null ? TypedResults.Ok(added) : error.ToProblem(context);
    }

    /// <summary>An admin removes a member; a member names themself to leave.</summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> RemoveMember(
        string id, string userId, HttpContext context, GroupService groups, CancellationToken cancellationToken) =>
        await groups.RemoveAsync(context.User.UserId(), id, userId, cancellationToken) is { } error ? error.ToProblem(context) : TypedResults.NoContent();

    public static async Task<Results<Ok<MemberResponse>, ProblemHttpResult>> SetRole(
        string id, string userId, SetRoleRequest request, HttpContext context, GroupService groups, CancellationToken cancellationToken)
    {
        var (member, error) = await groups.SetRoleAsync(context.User.UserId(), id, userId, request.Role, cancellationToken);
        return error is null ? TypedResults.Ok(member) : error.ToProblem(context);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Forget(
        string id, HttpContext context, GroupService groups, CancellationToken cancellationToken) =>
        await groups.ForgetAsync(context.User.UserId(), id, cancellationToken) is { } error ? error.ToProblem(context) : TypedResults.NoContent();

    public static async Task<Results<Ok<MessagePage>, ProblemHttpResult>> History(
        string id, long? before, long? after, int? limit, HttpContext context, ConversationReader reader, CancellationToken cancellationToken)
    {
        var (page, error) = await reader.HistoryAsync(context.User.UserId(), ConversationRef.Group(id), before, after, limit, cancellationToken);
        return error is null ? TypedResults.Ok(page) : error.ToProblem(context);
    }

    /// <summary>201 with the new message; 200 with the original when the clientMessageId repeats.</summary>
    public static async Task<Results<Created<MessageResponse>, Ok<MessageResponse>, ProblemHttpResult>> Send(
        string id, SendMessageRequest request, HttpContext context, MessageSender sender, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var (sent, error) = await sender.SendAsync(context.User.UserId(), ConversationRef.Group(id), request, cancellationToken);
        if (error is not null) return error.ToProblem(context);
        ServerTiming.Send(context, started);
        return sent!.Duplicate
            ? TypedResults.Ok(sent.Message)
            : TypedResults.Created($"/api/groups/{id}/messages?after={sent.Message.Seq - 1}&limit=1", sent.Message);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> MarkRead(
        string id, MarkReadRequest request, HttpContext context, ReadMarks reads, CancellationToken cancellationToken) =>
        await reads.MarkReadAsync(context.User.UserId(), ConversationRef.Group(id), request.Seq, cancellationToken) is { } error
            ? error.ToProblem(context)
            : TypedResults.NoContent();

    public static async Task<Results<Ok<List<ContactResponse>>, ProblemHttpResult>> Readers(
        string id, long seq, HttpContext context, ReadMarks readers, CancellationToken cancellationToken)
    {
        var (found, error) = await readers.ReadersAsync(context.User.UserId(), id, seq, cancellationToken);
        return error is null ? TypedResults.Ok(found) : error.ToProblem(context);
    }
}

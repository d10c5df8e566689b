using Chat.Api.Contracts;
using Chat.Api.Identity;
using Chat.Api.Push;
using Chat.Api.Security;
using Chat.Api.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Chat.Api.Apis;

/// <summary>Web Push: the server's key and this device's subscription (docs/api.md, Push).</summary>
public static class PushApi
{
    public static void MapPushApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/push").WithTags("Push").RequireAuthorization();
        api.MapGet("/key", Key).AllowAnonymous();
        api.MapGet("/subscriptions", Devices);
        api.MapPut("/subscriptions", Subscribe).RequireRateLimiting(RateLimits.Settings);
        api.MapDelete("/subscriptions", Unsubscribe).RequireRateLimiting(RateLimits.Settings);
        api.MapDelete("/subscriptions/{id}", RemoveDevice).RequireRateLimiting(RateLimits.Settings);
    }

    public static Results<Ok<PushKeyResponse>, ProblemHttpResult> Key(HttpContext context, PushSubscriptions subscriptions) =>
        subscriptions.PublicKey() is ({ } key, _) ? TypedResults.Ok(key) : PushSubscriptions.Off.ToProblem(context);

    public static async Task<Ok<List<PushDeviceResponse>>> Devices(HttpContext context, PushSubscriptions subscriptions, CancellationToken cancellationToken) =>
        TypedResults.Ok(await subscriptions.DevicesAsync(context.User.UserId(), context.User.SessionId(), cancellationToken));

    public static async Task<Results<NoContent, ProblemHttpResult>> Subscribe(
        PushSubscriptionRequest? request, HttpContext context, PushSubscriptions subscriptions, CancellationToken cancellationToken)
    {
        // A subscription belongs to a session (log-out ends it); a token without one cannot hold any.
        if (context.User.SessionId() is not { } sessionId || context.User.SessionExpiresAt() is not { } expiresAt)
        {
            return ClientError.SessionEnded.ToProblem(context);
        }
        var device = new PushSubscriptions.Device(context.User.UserId(), sessionId, expiresAt, context.Request.Headers.UserAgent);
        return await subscriptions.SubscribeAsync(device, request, cancellationToken) is { } error ? error.ToProblem(context) : TypedResults.NoContent();
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Unsubscribe(
        [FromBody] PushUnsubscribeRequest? request, HttpContext context, PushSubscriptions subscriptions, CancellationToken cancellationToken) =>
        await subscriptions.UnsubscribeAsync(context.User.UserId(), request, cancellationToken) is { } error ? error.ToProblem(context) : TypedResults.NoContent();

    public static async Task<Results<NoContent, ProblemHttpResult>> RemoveDevice(
        string id, HttpContext context, PushSubscriptions subscriptions, CancellationToken cancellationToken) =>
        await subscriptions.RemoveDeviceAsync(context.User.UserId(), id, cancellationToken) is { } error ? error.ToProblem(context) : TypedResults.NoContent();
}

using Chat.Api.Identity;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Api.Security;

/// <summary>
/// The same limits for hub methods as for their REST twins: over the limit, the call throws a
/// HubException saying when to come back, and the connection stays open.
/// </summary>
public sealed class HubRateLimitFilter(UserRateLimits limits) : IHubFilter
{
    // SendMessage is not here: MessageSender takes the send permit itself, together with the
    // block check's Redis round trip, for the hub and REST alike.
    private static readonly Dictionary<string, string> PolicyOfMethod = new()
    {
        ["Typing"] = RateLimits.Typing,
        ["GroupTyping"] = RateLimits.Typing,
        ["MarkRead"] = RateLimits.ReadMarks,
        ["MarkGroupRead"] = RateLimits.ReadMarks,
        ["React"] = RateLimits.Reactions,
    };

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocation, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        if (!PolicyOfMethod.TryGetValue(invocation.HubMethodName, out var policy)) return await next(invocation);

        using var lease = await limits.AcquireAsync(policy, invocation.Context.User!.UserId(), invocation.Context.ConnectionAborted);
        if (!lease.IsAcquired) throw RateLimits.Rejected(lease).ToHubException();
        return await next(invocation);
    }
}

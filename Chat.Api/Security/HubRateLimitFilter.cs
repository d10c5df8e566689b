using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Chat.Api.Identity;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Chat.Api.Security;

/// <summary>
/// The same limits for hub methods as for their REST twins: over the limit, the call throws a
/// HubException saying when to come back, and the connection stays open.
/// </summary>
public sealed class HubRateLimitFilter(IConnectionMultiplexer redis, IOptions<RateLimitOptions> options) : IHubFilter
{
    private static readonly Dictionary<string, string> PolicyOfMethod = new()
    {
        ["SendMessage"] = RateLimits.Send,
        ["Typing"] = RateLimits.Typing,
        ["MarkRead"] = RateLimits.ReadMarks,
        ["React"] = RateLimits.Reactions,
    };

    private readonly ConcurrentDictionary<string, PartitionedRateLimiter<string>> _limiters = new();

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocation, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        if (!PolicyOfMethod.TryGetValue(invocation.HubMethodName, out var policy)) return await next(invocation);

        var limiter = _limiters.GetOrAdd(policy, name =>
            PartitionedRateLimiter.Create<string, string>(user => RateLimits.Partition(redis, options.Value, name, user)));
        using var lease = await limiter.AcquireAsync(invocation.Context.User!.UserId(), cancellationToken: invocation.Context.ConnectionAborted);
        if (!lease.IsAcquired) throw RateLimits.Rejected(lease).ToHubException();
        return await next(invocation);
    }
}

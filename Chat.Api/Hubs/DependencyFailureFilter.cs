using Chat.Api.Infrastructure;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Api.Hubs;

/// <summary>A hub call that meets an unavailable MongoDB or Redis answers "try again" (a HubException), like the REST API's 503.</summary>
public sealed class DependencyFailureFilter(ILogger<DependencyFailureFilter> logger) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocation, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocation);
        }
        catch (Exception ex) when (DependencyFailures.IsUnavailable(ex)
            || (ex is OperationCanceledException && !invocation.Context.ConnectionAborted.IsCancellationRequested)) // the call's deadline
        {
            logger.LogWarning(ex, "{Method} met an unavailable dependency; the client is told to try again.", invocation.HubMethodName);
            throw DependencyFailures.Unavailable.ToHubException();
        }
    }
}

using Chat.Api.Infrastructure;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Api.Hubs;

/// <summary>
/// A hub call that meets an unavailable MongoDB or Redis answers "try again" (a HubException),
/// like the REST API's 503. Failures are logged here, by whose fault: SignalR's dispatcher would
/// log every failed call at Error, a client's invalid arguments and refused calls included, so
/// its log category is silenced (appsettings.json) and only our own failures are errors.
/// </summary>
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
        catch (HubException refused)
        {
            // The answer to the client (invalid input, a limit): its business, not an error of ours.
            logger.LogDebug("{Method} refused: {Reason}", invocation.HubMethodName, refused.Message);
            throw;
        }
        catch (Exception ex) when (!invocation.Context.ConnectionAborted.IsCancellationRequested)
        {
            logger.LogError(ex, "{Method} failed.", invocation.HubMethodName);
            throw;
        }
    }
}

using Chat.Api.Infrastructure;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Api.Hubs;

/// <summary>
/// A hub call that meets an unavailable MongoDB or Redis answers "try again" (a HubException),
/// like the REST API's 503. Failures are logged here, by whose fault: SignalR would log every
/// failed call at Error, and every refused connection (a client over its connection cap) as
/// "Error when dispatching 'OnConnectedAsync'", so its dispatcher's and connection handler's log
/// categories are silenced (appsettings.json) and only our own failures are errors.
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

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        try
        {
            await next(context);
        }
        catch (HubException refused)
        {
            // A limit of the client's (too many connections): its business, like a 429.
            logger.LogInformation("Connection refused: {Reason}", refused.Message);
            throw;
        }
        catch (Exception ex) when (DependencyFailures.IsUnavailable(ex))
        {
            logger.LogWarning(ex, "A connection met an unavailable dependency while opening; the client reconnects.");
            throw;
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Opening a connection failed.");
            throw;
        }
    }
}

using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Playwright;

namespace Chat.Tests.Browser;

/// <summary>
/// Runs script inside a page's service worker through the DevTools protocol (Playwright for .NET
/// has no handle on service workers): the worker's target is attached from a browser session and
/// spoken to with Target.sendMessageToTarget.
/// </summary>
public sealed class ServiceWorkerConsole : IAsyncDisposable
{
    private readonly ICDPSession _browser;
    private readonly string _sessionId;
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> _answers = new();
    private int _nextId;

    private ServiceWorkerConsole(ICDPSession browser, string sessionId)
    {
        _browser = browser;
        _sessionId = sessionId;
        browser.Event("Target.receivedMessageFromTarget").OnEvent += (_, e) =>
        {
            if (e?.GetProperty("sessionId").GetString() != _sessionId) return;
            using var message = JsonDocument.Parse(e.Value.GetProperty("message").GetString()!);
            if (message.RootElement.TryGetProperty("id", out var id) && _answers.TryRemove(id.GetInt32(), out var answer))
            {
                answer.TrySetResult(message.RootElement.Clone());
            }
        };
    }

    /// <summary>The active service worker of <paramref name="origin"/>, attached.</summary>
    public static async Task<ServiceWorkerConsole> AttachAsync(IBrowser browser, string origin)
    {
        var session = await browser.NewBrowserCDPSessionAsync();
        var targets = await session.SendAsync("Target.getTargets");
        var worker = targets!.Value.GetProperty("targetInfos").EnumerateArray()
            .First(t => t.GetProperty("type").GetString() == "service_worker" && t.GetProperty("url").GetString()!.StartsWith(origin, StringComparison.Ordinal));
        var attached = await session.SendAsync("Target.attachToTarget", new Dictionary<string, object>
        {
            ["targetId"] = worker.GetProperty("targetId").GetString()!,
            ["flatten"] = false,
        });
        return new ServiceWorkerConsole(session, attached!.Value.GetProperty("sessionId").GetString()!);
    }

    /// <summary>Evaluates an expression in the worker (awaiting a promise); its value, as a string.</summary>
    public async Task<string> EvaluateAsync(string expression)
    {
        var id = Interlocked.Increment(ref _nextId);
        var answer = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _answers[id] = answer;
        await _browser.SendAsync("Target.sendMessageToTarget", new Dictionary<string, object>
        {
            ["sessionId"] = _sessionId,
            ["message"] = JsonSerializer.Serialize(new
            {
                id,
                method = "Runtime.evaluate",
                @params = new { expression, awaitPromise = true, returnByValue = true },
            }),
        });
        var result = await answer.Task.WaitAsync(TimeSpan.FromSeconds(15));
        if (result.TryGetProperty("error", out var error)) throw new InvalidOperationException(error.ToString());
        var value = result.GetProperty("result");
        if (value.TryGetProperty("exceptionDetails", out var exception)) throw new InvalidOperationException(exception.ToString());
        return value.GetProperty("result").TryGetProperty("value", out var v) ? v.ToString() : "";
    }

    public async ValueTask DisposeAsync() => await _browser.DetachAsync();
}

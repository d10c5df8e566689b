using System.Diagnostics;

namespace Chat.Api.Apis;

/// <summary>
/// The server's own share of a send's latency (validate, persist, push) as a <c>Server-Timing</c>
/// header, for browsers' dev tools and the load-test tool.
/// </summary>
public static class ServerTiming
{
    public static void Send(HttpContext context, long started) =>
        context.Response.Headers["Server-Timing"] =
            FormattableString.Invariant($"send;dur={Stopwatch.GetElapsedTime(started).TotalMilliseconds:F2}");
}

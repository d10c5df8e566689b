using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// How many traces a Chat process exports (configuration section <c>Telemetry</c>). Under load,
/// exporting every span costs more CPU (here and in the dashboard ingesting it) than the work it
/// describes; a person opening the dashboard needs a steady sample, every failure and every slow
/// operation, not every message.
/// </summary>
public sealed class TraceSamplingOptions
{
    public const string Section = "Telemetry";

    /// <summary>New traces a process starts exporting per second, at most (the rest are recorded in-process only). 0: only failed and slow ones.</summary>
    public double TracesPerSecond { get; set; } = 10;

    /// <summary>A span that takes at least this long is exported even when its trace was not sampled.</summary>
    public int SlowSpanMilliseconds { get; set; } = 500;

    /// <summary>
    /// Names of operations too frequent and too dull to spend the budget on (a client's delivery
    /// receipt after every message): like background work, exported only when they fail or are slow.
    /// </summary>
    public List<string> QuietOperations { get; set; } = [];
}

/// <summary>
/// The head of the sampling: a trace started here (a request, a hub call) is sampled while the
/// per-second budget lasts, and follows its parent's decision when it comes from another process
/// (so a proxied request is sampled on both sides or neither). Spans not sampled are still
/// recorded (<see cref="SamplingDecision.RecordOnly"/>), so <see cref="ExportFailedAndSlowSpans"/>
/// can export the ones that fail or are slow. A client span with no parent (a background
/// database or Redis command: presence sweeps, subscriptions) never starts a sampled trace: it is
/// exported only when it fails or is slow.
/// </summary>
public sealed class BudgetedSampler(TraceSamplingOptions options, TimeProvider time) : Sampler
{
    private readonly object _lock = new();
    private double _tokens = options.TracesPerSecond;
    private long _refilledAt = time.GetTimestamp();

    public override SamplingResult ShouldSample(in SamplingParameters parameters)
    {
        if (parameters.ParentContext.TraceId != default)
        {
            return (parameters.ParentContext.TraceFlags & ActivityTraceFlags.Recorded) != 0
                ? new SamplingResult(SamplingDecision.RecordAndSample)
                : new SamplingResult(SamplingDecision.RecordOnly);
        }
        if (parameters.Kind == ActivityKind.Client || options.QuietOperations.Contains(parameters.Name))
        {
            return new SamplingResult(SamplingDecision.RecordOnly);
        }
        return new SamplingResult(TakeToken() ? SamplingDecision.RecordAndSample : SamplingDecision.RecordOnly);
    }

    private bool TakeToken()
    {
        var perSecond = options.TracesPerSecond;
        if (perSecond <= 0) return false;
        lock (_lock)
        {
            var now = time.GetTimestamp();
            _tokens = Math.Min(perSecond, _tokens + time.GetElapsedTime(_refilledAt, now).TotalSeconds * perSecond);
            _refilledAt = now;
            if (_tokens < 1) return false;
            _tokens -= 1;
            return true;
        }
    }
}

/// <summary>
/// The tail of the sampling: a span whose trace was not sampled is exported anyway when it
/// failed or was slow (its own span; the sampled traces show whole). Registered before the
/// exporter, which exports what is marked recorded when it ends. A <c>HubException</c> is
/// SignalR's answer to a client (invalid input, a limit, "try again"), and a 4xx is a client's
/// mistake also where the web front passes it on (its HTTP client span): not errors of ours.
/// </summary>
public sealed class ExportFailedAndSlowSpans(TraceSamplingOptions options) : BaseProcessor<Activity>
{
    private const string HubExceptionType = "Microsoft.AspNetCore.SignalR.HubException";

    public override void OnEnd(Activity activity)
    {
        if (activity.Status == ActivityStatusCode.Error
            && (activity.GetTagItem("error.type") as string == HubExceptionType || IsClientError(activity.GetTagItem("http.response.status_code"))))
        {
            activity.SetStatus(ActivityStatusCode.Unset);
        }
        if (activity.Recorded) return;
        if (activity.Status == ActivityStatusCode.Error || activity.Duration.TotalMilliseconds >= options.SlowSpanMilliseconds)
        {
            activity.ActivityTraceFlags |= ActivityTraceFlags.Recorded;
        }
    }

    private static bool IsClientError(object? statusCode) => statusCode switch
    {
        int code => code is >= 400 and < 500,
        string text => int.TryParse(text, out var code) && code is >= 400 and < 500,
        _ => false,
    };
}

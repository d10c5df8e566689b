using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Chat.Tests.Unit.ServiceDefaults;

/// <summary>
/// The trace budget, through a real OpenTelemetry pipeline (sampler, our processor, an export
/// processor that, like the OTLP exporter's, exports only what is marked recorded).
/// </summary>
public sealed class TraceBudgetTests : IDisposable
{
    private readonly ActivitySource _source = new($"Chat.Tests.Budget.{Guid.NewGuid():N}");
    private readonly FakeTimeProvider _time = new();
    private readonly List<Activity> _exported = [];
    private readonly TracerProvider _provider;

    private sealed class Collect(List<Activity> into) : BaseExporter<Activity>
    {
        public override ExportResult Export(in Batch<Activity> batch)
        {
            lock (into) foreach (var activity in batch) into.Add(activity);
            return ExportResult.Success;
        }
    }

    public TraceBudgetTests()
    {
        var options = new TraceSamplingOptions { TracesPerSecond = 2, SlowSpanMilliseconds = 500, QuietOperations = ["ConfirmDelivery"] };
        _provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(_source.Name)
            .SetSampler(new BudgetedSampler(options, _time))
            .AddProcessor(new ExportFailedAndSlowSpans(options))
            .AddProcessor(new SimpleActivityExportProcessor(new Collect(_exported)))
            .Build()!;
    }

    private void Request(string name, Action<Activity>? during = null, ActivityKind kind = ActivityKind.Server)
    {
        using var activity = _source.StartActivity(name, kind);
        Assert.NotNull(activity); // recorded, sampled or not: a failure can still be exported
        using (var child = _source.StartActivity($"{name} child", ActivityKind.Client)) { }
        during?.Invoke(activity);
    }

    [Fact]
    public void New_traces_are_exported_whole_up_to_the_budget_per_second()
    {
        for (var i = 0; i < 10; i++) Request($"first second {i}");
        _time.Advance(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 10; i++) Request($"next second {i}");

        Assert.Equal(
            ["first second 0 child", "first second 0", "first second 1 child", "first second 1",
             "next second 0 child", "next second 0", "next second 1 child", "next second 1"],
            _exported.Select(a => a.DisplayName));
    }

    [Fact]
    public void A_failed_or_slow_span_is_exported_beyond_the_budget()
    {
        Request("sampled 1");
        Request("sampled 2");
        Request("fine");
        Request("failed", a => a.SetStatus(ActivityStatusCode.Error, "boom"));
        Request("slow", a => a.SetEndTime(a.StartTimeUtc.AddSeconds(1)));

        Assert.Contains(_exported, a => a.DisplayName == "failed");
        Assert.Contains(_exported, a => a.DisplayName == "slow");
        Assert.DoesNotContain(_exported, a => a.DisplayName.StartsWith("fine", StringComparison.Ordinal));
        Assert.DoesNotContain(_exported, a => a.DisplayName is "failed child" or "slow child");
    }

    [Fact]
    public void A_background_dependency_call_is_exported_only_when_it_fails_or_is_slow()
    {
        using (_source.StartActivity("SMEMBERS", ActivityKind.Client)) { }
        using (var failed = _source.StartActivity("EXISTS", ActivityKind.Client)) failed!.SetStatus(ActivityStatusCode.Error);

        Assert.Equal(["EXISTS"], _exported.Select(a => a.DisplayName));
        Request("request"); // the budget was not spent on them
        Request("request 2");
        Assert.Equal(5, _exported.Count);
    }

    [Fact]
    public void A_call_from_another_process_follows_that_process_decision()
    {
        var sampled = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);
        var notSampled = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None, isRemote: true);
        for (var i = 0; i < 5; i++) using (_source.StartActivity("sampled upstream", ActivityKind.Server, sampled)) { }
        using (_source.StartActivity("not sampled upstream", ActivityKind.Server, notSampled)) { }

        Assert.Equal(5, _exported.Count(a => a.DisplayName == "sampled upstream"));
        Assert.DoesNotContain(_exported, a => a.DisplayName == "not sampled upstream");
    }

    [Fact]
    public void A_HubException_is_the_clients_answer_not_an_error()
    {
        Request("SendMessage", a =>
        {
            a.SetStatus(ActivityStatusCode.Error);
            a.SetTag("error.type", "Microsoft.AspNetCore.SignalR.HubException");
        });

        var call = Assert.Single(_exported, a => a.DisplayName == "SendMessage");
        Assert.Equal(ActivityStatusCode.Unset, call.Status);
    }

    [Fact]
    public void A_quiet_operation_spends_no_budget_and_is_exported_only_when_slow()
    {
        Request("ConfirmDelivery");
        Request("ConfirmDelivery", a => a.SetEndTime(a.StartTimeUtc.AddSeconds(1)));
        Request("request 1");
        Request("request 2");

        Assert.Equal(["ConfirmDelivery", "request 1 child", "request 1", "request 2 child", "request 2"], _exported.Select(a => a.DisplayName));
    }

    [Fact]
    public void A_4xx_passed_on_by_a_client_span_is_the_clients_mistake_not_an_error()
    {
        using (var forwarded = _source.StartActivity("POST", ActivityKind.Client, default(ActivityContext)))
        {
            forwarded!.SetTag("http.response.status_code", 401);
            forwarded.SetStatus(ActivityStatusCode.Error);
        }
        using (var failed = _source.StartActivity("POST", ActivityKind.Client, default(ActivityContext)))
        {
            failed!.SetTag("http.response.status_code", 503);
            failed.SetStatus(ActivityStatusCode.Error);
        }

        var exported = Assert.Single(_exported); // the 401 is neither an error nor exported on its own
        Assert.Equal((503, ActivityStatusCode.Error), ((int)exported.GetTagItem("http.response.status_code")!, exported.Status));
    }

    public void Dispose()
    {
        _provider.Dispose();
        _source.Dispose();
    }
}

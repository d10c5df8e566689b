using System.Collections.Concurrent;
using Chat.Api.ClientTelemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Chat.Tests.Support;

/// <summary>
/// The tests' OTLP/HTTP endpoint (what the dashboard is when the cluster runs for a developer):
/// the web front and the API replicas export their spans here in http/protobuf, and the API
/// relays the browsers' spans here too. Keeps the latest spans it received (a bounded number:
/// the whole suite's traffic passes through), with their service.
/// </summary>
public sealed class TraceCollector : IAsyncDisposable
{
    public sealed record ReceivedSpan(string Service, OtlpTraces.Span Span);

    private readonly WebApplication _app;
    private const int MaxKept = 50_000;
    private readonly ConcurrentQueue<ReceivedSpan> _spans = new();

    private TraceCollector(WebApplication app)
    {
        _app = app;
        app.MapPost("/v1/traces", Receive);
    }

    public static async Task<TraceCollector> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var collector = new TraceCollector(builder.Build());
        await collector._app.StartAsync();
        collector.Endpoint = new Uri(collector._app.Urls.Single());
        return collector;
    }

    /// <summary>What OTEL_EXPORTER_OTLP_ENDPOINT says (the exporters add /v1/traces).</summary>
    public Uri Endpoint { get; private set; } = null!;

    public IReadOnlyList<ReceivedSpan> Spans => _spans.ToList();

    /// <summary>Every span of one trace received so far.</summary>
    public IReadOnlyList<ReceivedSpan> Trace(string traceId) => _spans.Where(s => s.Span.TraceId == traceId).ToList();

    private async Task<IResult> Receive(HttpRequest request)
    {
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body);
        foreach (var resource in OtlpTraces.Read(body.ToArray()))
        {
            foreach (var span in resource.Spans) _spans.Enqueue(new ReceivedSpan(resource.ServiceName ?? "", span));
        }
        while (_spans.Count > MaxKept) _spans.TryDequeue(out _);
        return Results.Bytes([], ClientTraceRelay.ContentType);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

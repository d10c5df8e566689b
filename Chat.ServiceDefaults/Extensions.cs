using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every Chat service shares: OpenTelemetry, health checks, service discovery and
/// resilient HttpClients. Each service calls <see cref="AddServiceDefaults{TBuilder}"/> and
/// <see cref="MapDefaultEndpoints"/>.
/// </summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>Prefix of every ActivitySource and Meter the Chat projects define ("Chat.Api", "Chat.Api.MongoDB"...).</summary>
    public const string TelemetryPrefix = "Chat.";

    private const string HealthEndpointPath = "/health";
    private const string AlivenessEndpointPath = "/alive";
    private const string LiveTag = "live";

    /// <summary>
    /// Where the web client's trace exports arrive (the API's ClientTraceRelay, through the front).
    /// Not traced itself: every open tab exports every few seconds, and the trace list would show
    /// the telemetry's own plumbing before the sends it describes.
    /// </summary>
    public const string ClientTracesPath = "/api/telemetry/traces";

    /// <summary>
    /// Distinct tag sets kept per metric (OpenTelemetry's default is 2,000). The SDK allocates
    /// that many points for every instrument when it first records (about 180 KB each, ~12 MB for
    /// a replica's 66 streams); ours have a few dozen each (routes × status codes). Beyond it, values
    /// still count, under one overflow tag set.
    /// </summary>
    private const int MetricPointsPerInstrument = 256;

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();

        // A stop (SIGTERM from the orchestrator) lets requests in flight finish, but not forever:
        // long-lived connections (WebSockets) would otherwise hold a stopping process for the
        // default 30 s. The API closes its hub connections at once when stopping anyway.
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(5));

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });
        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        var sampling = builder.Configuration.GetSection(TraceSamplingOptions.Section).Get<TraceSamplingOptions>() ?? new();
        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("Microsoft.AspNetCore.Http.Connections", "Microsoft.AspNetCore.SignalR.Server")
                .AddMeter(TelemetryPrefix + "*")
                .AddView(_ => new MetricStreamConfiguration { CardinalityLimit = MetricPointsPerInstrument }))
            .WithTracing(tracing => tracing
                .SetSampler(new BudgetedSampler(sampling, TimeProvider.System))
                // Before the exporter (which the OTLP exporter always is).
                .AddProcessor(new ExportFailedAndSlowSpans(sampling))
                .AddSource(builder.Environment.ApplicationName)
                .AddSource(TelemetryPrefix + "*")
                // SignalR's hub invocations (ASP.NET Core 9+).
                .AddSource("Microsoft.AspNetCore.SignalR.Server")
                .AddAspNetCoreInstrumentation(aspnet =>
                {
                    // Health probes would drown the interesting traces. A WebSocket (the hub's
                    // connection) is a request that lasts as long as the tab: its span would end
                    // hours later and say nothing; each hub call has its own trace instead.
                    aspnet.Filter = context =>
                        !context.Request.Path.StartsWithSegments(HealthEndpointPath)
                        && !context.Request.Path.StartsWithSegments(AlivenessEndpointPath)
                        && !context.Request.Path.StartsWithSegments(ClientTracesPath)
                        && !context.WebSockets.IsWebSocketRequest;
                    aspnet.EnrichWithHttpResponse = RequestTraceNames.Enrich;
                })
                .AddHttpClientInstrumentation());

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }
        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        return builder;
    }

    /// <summary><c>/health</c>: every check must pass (ready for traffic). <c>/alive</c>: the process answers.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        // Anonymous probes for the orchestrator and load balancer. /health names each check and
        // its state (no exception text, no addresses); /alive answers a status word only.
        app.MapHealthChecks(HealthEndpointPath, new HealthCheckOptions { ResponseWriter = WriteHealthReport });
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions { Predicate = r => r.Tags.Contains(LiveTag) });
        return app;
    }

    // {"status":"Healthy","checks":{"mongodb":"Healthy","redis":"Healthy",...}}: names and
    // states only (no exception text), so a probe or a test can see which dependency failed.
    private static Task WriteHealthReport(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => e.Value.Status.ToString()),
        });
    }
}

using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;
using Yarp.ReverseProxy.Transforms;

namespace Chat.Web.Extensions;

/// <summary>
/// The browser sees one origin: the SPA here, and <c>/api/**</c>, <c>/hubs/**</c> (WebSockets
/// included) and <c>/media/**</c> passed through YARP to the API replicas, found by service
/// discovery as "http://api": every replica's own address when run locally (YARP balances them,
/// watches their /health and routes around one that is down), the platform's balancer deployed.
/// One origin keeps the auth cookie first-party and needs no CORS.
/// </summary>
public static class ApiProxyExtensions
{
    private const string ApiCluster = "api";

    /// <summary>The header that proves to the API that a request comes through this front (see the API's FrontProxy).</summary>
    public const string FrontKeyHeader = "X-Chat-Front";

    /// <summary>How much of a refused body the front reads and discards so the client can read the 413 (beyond it, the connection is closed).</summary>
    private const long MaxDrainBytes = 64L * 1024 * 1024;

    /// <summary>
    /// Refuses a body declared larger than the API accepts (a JSON body over 64 KB; an upload over
    /// Media:MaxUploadBytes, the API's own setting, passed to both by the AppHost) before proxying
    /// it. The rest of the body is read and discarded first, up to a bound: a browser sends the
    /// whole body before it reads any answer, so a 413 sent mid-upload would reach it as a broken
    /// connection (and the API's own early 413 would reach it as the proxy's 502).
    /// </summary>
    public static void RejectOversizeBodies(this WebApplication app)
    {
        var maxUpload = MaxUploadBytes(app.Configuration);
        app.Use(async (context, next) =>
        {
            var multipart = context.Request.HasFormContentType;
            var maxBody = multipart ? maxUpload + RequestBodyLimits.MultipartEnvelopeBytes : RequestBodyLimits.MaxJsonBodyBytes;
            if (context.Request.ContentLength is not { } declared || declared <= maxBody)
            {
                await next(context);
                return;
            }
            if (declared <= MaxDrainBytes && context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = MaxDrainBytes;
                await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
            }
            await Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Content Too Large",
                detail: multipart ? $"Images are limited to {maxUpload / (1024 * 1024)} MB." : "Request bodies are limited to 64 KB.").ExecuteAsync(context);
        });
    }

    private static long MaxUploadBytes(IConfiguration configuration) =>
        configuration.GetValue("Media:MaxUploadBytes", RequestBodyLimits.DefaultMaxUploadBytes);

    public static void MapApiProxy(this WebApplication app) =>
        app.MapReverseProxy(proxy =>
        {
            proxy.Use(TryAnotherReplicaWhenUnreachable);
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
        });

    /// <summary>
    /// A request that failed before any answer on a replica that is gone (killed, restarting)
    /// goes to another one: the health checks take a second or two to notice, and meanwhile a
    /// client would get the proxy's 502. Only when replaying it is safe: the replica refused the
    /// connection (it never saw the request), or the request has no body (a GET, a WebSocket
    /// upgrade), which the API's GETs and hub connections can take twice.
    /// </summary>
    private static async Task TryAnotherReplicaWhenUnreachable(HttpContext context, Func<Task> next)
    {
        var proxy = context.GetReverseProxyFeature();
        var candidates = proxy.AvailableDestinations;
        while (true)
        {
            await next();
            if (context.GetForwarderErrorFeature() is not { Error: ForwarderError.Request } failure
                || !(failure.Exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } || HasNoBody(context.Request))
                || context.Response.HasStarted
                || proxy.ProxiedDestination is not { } refused)
            {
                return;
            }
            candidates = candidates.Where(destination => destination != refused).ToList();
            if (candidates.Count == 0) return;
            proxy.AvailableDestinations = candidates;
            context.Features.Set<IForwarderErrorFeature?>(null);
            context.Response.Clear();
        }
    }

    private static bool HasNoBody(HttpRequest request) =>
        request.ContentLength is null or 0 && !request.Headers.TransferEncoding.Any(value => value?.Contains("chunked", StringComparison.OrdinalIgnoreCase) == true);

    public static void AddApiProxy(this IHostApplicationBuilder builder)
    {
        RouteConfig[] routes =
        [
            new() { RouteId = "api", ClusterId = ApiCluster, Match = new() { Path = "/api/{**rest}" } },
            new() { RouteId = "hubs", ClusterId = ApiCluster, Match = new() { Path = "/hubs/{**rest}" } },
            // The local image store's files (Cloudinary serves its own).
            new() { RouteId = "media", ClusterId = ApiCluster, Match = new() { Path = "/media/{**rest}" } },
        ];
        ClusterConfig[] clusters =
        [
            new()
            {
                ClusterId = ApiCluster,
                Destinations = new Dictionary<string, DestinationConfig>
                {
                    ["api"] = new() { Address = "http://api" },
                },
                HealthCheck = new()
                {
                    // /health turns unhealthy as soon as a replica starts stopping; two misses in a
                    // row (about 2 s) take a replica out of rotation, one answer brings it back.
                    // No passive checks: their failure rate, counted over a minute, kept a replica
                    // that had restarted out of rotation long after it answered again (FaultTests).
                    Active = new()
                    {
                        Enabled = true,
                        Path = "/health",
                        Interval = TimeSpan.FromSeconds(1),
                        Timeout = TimeSpan.FromSeconds(3),
                        Policy = HealthCheckConstants.ActivePolicy.ConsecutiveFailures,
                    },
                    // When every replica fails its check (Redis or MongoDB down for all), requests
                    // still go to them and get their own answer (a 503 with Retry-After), not the proxy's.
                    AvailableDestinationsPolicy = HealthCheckConstants.AvailableDestinations.HealthyOrPanic,
                },
            },
        ];

        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(
            options => options.Limits.MaxRequestBodySize = MaxUploadBytes(builder.Configuration) + RequestBodyLimits.MultipartEnvelopeBytes);
        // YARP adds X-Forwarded-For with the browser's address; the shared key tells the API it
        // may believe it (a client's own X-Forwarded-For is appended to, never trusted as is).
        var frontKey = builder.Configuration["Security:FrontKey"];
        builder.Services.AddReverseProxy()
            .LoadFromMemory(routes, clusters)
            .AddTransforms(context =>
            {
                if (!string.IsNullOrEmpty(frontKey)) context.AddRequestHeader(FrontKeyHeader, frontKey, append: false);
                // The API's route names this request's trace; the browser does not need the header.
                context.AddResponseTransform(transform =>
                {
                    if (transform.ProxyResponse?.Headers.TryGetValues(RequestTraceNames.RouteHeader, out var route) == true)
                    {
                        RequestTraceNames.NameByBackendRoute(transform.HttpContext, route.First());
                    }
                    transform.HttpContext.Response.Headers.Remove(RequestTraceNames.RouteHeader);
                    return ValueTask.CompletedTask;
                });
            })
            .AddServiceDiscoveryDestinationResolver();
    }
}

using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Transforms;

namespace Chat.Web.Extensions;

/// <summary>
/// The browser sees one origin: the SPA here, and <c>/api/**</c>, <c>/hubs/**</c> (WebSockets
/// included) and <c>/media/**</c> passed through YARP to the API replicas, found by service discovery as "http://api".
/// One origin keeps the auth cookie first-party and needs no CORS.
/// </summary>
public static class ApiProxyExtensions
{
    private const string ApiCluster = "api";

    /// <summary>The header that proves to the API that a request comes through this front (see the API's FrontProxy).</summary>
    public const string FrontKeyHeader = "X-Chat-Front";

    /// <summary>The largest body the API takes (an image upload: 10 MB plus the multipart envelope).</summary>
    public const long MaxRequestBodyBytes = 10 * 1024 * 1024 + 64 * 1024;

    /// <summary>
    /// Refuses a body declared larger than any the API accepts before proxying it: the API would
    /// answer 413 early and close, and the proxy, still sending, would report a 502 instead.
    /// </summary>
    public static void RejectOversizeBodies(this WebApplication app) => app.Use((context, next) =>
        context.Request.ContentLength > MaxRequestBodyBytes
            ? Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Content Too Large",
                detail: "Images are limited to 10 MB.").ExecuteAsync(context)
            : next(context));

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
            },
        ];

        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(
            options => options.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        // YARP adds X-Forwarded-For with the browser's address; the shared key tells the API it
        // may believe it (a client's own X-Forwarded-For is appended to, never trusted as is).
        var frontKey = builder.Configuration["Security:FrontKey"];
        builder.Services.AddReverseProxy()
            .LoadFromMemory(routes, clusters)
            .AddTransforms(context =>
            {
                if (!string.IsNullOrEmpty(frontKey)) context.AddRequestHeader(FrontKeyHeader, frontKey, append: false);
            })
            .AddServiceDiscoveryDestinationResolver();
    }
}

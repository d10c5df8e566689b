using Yarp.ReverseProxy.Configuration;

namespace Chat.Web.Extensions;

/// <summary>
/// The browser sees one origin: the SPA here, and <c>/api/**</c>, <c>/hubs/**</c> (WebSockets
/// included) and <c>/media/**</c> passed through YARP to the API replicas, found by service discovery as "http://api".
/// One origin keeps the auth cookie first-party and needs no CORS.
/// </summary>
public static class ApiProxyExtensions
{
    private const string ApiCluster = "api";

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

        builder.Services.AddReverseProxy()
            .LoadFromMemory(routes, clusters)
            .AddServiceDiscoveryDestinationResolver();
    }
}

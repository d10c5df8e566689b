using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// A request's trace is named by the route that served it ("POST /api/conversations/{peerId}/messages"),
/// also where the trace starts at the web front, whose own route ("/api/{**rest}") would name
/// every API request alike: the API tells the front its route in a response header, and the front
/// renames its span and removes the header.
/// </summary>
public static class RequestTraceNames
{
    public const string RouteHeader = "X-Chat-Route";
    private const string BackendRouteItem = "chat.backend-route";

    /// <summary>Answers every request with the route that served it (the API; the front strips it).</summary>
    public static void UseRouteHeader(this WebApplication app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            if (context.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: { } route }) context.Response.Headers[RouteHeader] = route;
            return Task.CompletedTask;
        });
        return next(context);
    });

    /// <summary>Names this proxied request's span by the backend's route (the front, from the backend's answer).</summary>
    public static void NameByBackendRoute(HttpContext context, string route) => context.Items[BackendRouteItem] = route;

    // After the instrumentation has named the span by this process's route.
    internal static void Enrich(Activity activity, HttpResponse response)
    {
        if (response.HttpContext.Items[BackendRouteItem] is not string route) return;
        activity.DisplayName = $"{response.HttpContext.Request.Method} {route}";
        activity.SetTag("http.route", route);
    }
}

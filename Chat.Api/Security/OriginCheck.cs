using Chat.Api.Hubs;
using Chat.Api.Validation;
using Microsoft.Extensions.Options;

namespace Chat.Api.Security;

/// <summary>
/// Refuses cross-site request forgery and cross-site WebSocket hijacking: a browser request that
/// changes state (POST, PUT, PATCH, DELETE) or opens the hub must come from the web front's own
/// origin (as the front forwards it) or one configured in Security:AllowedOrigins.
/// SameSite=Strict cookies do not separate origins of one site (another port, a sibling
/// subdomain), so the origin itself is checked. Browsers say where a request comes from in
/// <c>Origin</c> (always on WebSocket upgrades and cross-origin writes) and <c>Sec-Fetch-Site</c>;
/// a request with neither is not from a browser, carries no ambient cookie, and passes.
/// </summary>
public static class OriginCheck
{
    public static void UseOriginCheck(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<SecurityOptions>>().Value;
        var allowed = options.AllowedOrigins.Select(o => o.TrimEnd('/')).ToHashSet(StringComparer.OrdinalIgnoreCase);
        app.Use((context, next) =>
        {
            var request = context.Request;
            var guarded = !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method))
                || request.Path.StartsWithSegments(ChatHub.Path);
            if (!guarded || IsAllowed(request, allowed)) return next(context);
            return new ClientError(StatusCodes.Status403Forbidden, "Cross-origin request refused",
                Detail: "This request must come from the Chat web app's own pages.").ToProblem(context).ExecuteAsync(context);
        });
    }

    public static bool IsAllowed(HttpRequest request, IReadOnlySet<string> allowedOrigins)
    {
        if (request.Headers.Origin is { Count: > 0 } header)
        {
            var origin = header.ToString().TrimEnd('/');
            // The page's own origin: through the front, the scheme and host the browser used
            // (forwarded by the front, believed only from it); or one configured.
            return allowedOrigins.Contains(origin) || string.Equals(origin, $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase);
        }
        if (request.Headers["Sec-Fetch-Site"] is { Count: > 0 } site) return site == "same-origin" || site == "none";
        return true;
    }
}

using Microsoft.Net.Http.Headers;

namespace Chat.Web.Extensions;

/// <summary>
/// Headers that tell the browser what the pages may do: run only the app's own scripts, talk only
/// to this origin (REST and WebSocket), show images only from here and the image hosts in use,
/// never be framed, never sniff types, leak no path in the Referer; HTTPS only (HSTS) outside
/// Development.
/// </summary>
public static class SecurityHeadersExtensions
{
    /// <summary>Extra image origins (Cloudinary's delivery host when it stores the images), from Security:ImageOrigins.</summary>
    public const string ImageOriginsKey = "Security:ImageOrigins";

    public static void UseSecurityHeaders(this WebApplication app)
    {
        var imageOrigins = app.Configuration.GetSection(ImageOriginsKey).Get<string[]>() ?? [];
        var policy = string.Join("; ",
            "default-src 'self'",
            "script-src 'self'",
            // React sets element sizes through style attributes (image placeholders); no inline scripts.
            "style-src 'self' 'unsafe-inline'",
            $"img-src {string.Join(' ', ["'self'", "blob:", "data:", .. imageOrigins])}",
            "connect-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'");

        if (!app.Environment.IsDevelopment()) app.UseHsts();
        app.Use((context, next) =>
        {
            // Set as the response starts, after the proxy copied the API's own headers: one
            // value each, whoever answered.
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = policy;
                headers.XFrameOptions = "DENY";
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "same-origin";
                return Task.CompletedTask;
            });
            return next(context);
        });
    }
}

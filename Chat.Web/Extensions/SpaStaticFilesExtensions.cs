using Microsoft.Net.Http.Headers;

namespace Chat.Web.Extensions;

public static class SpaStaticFilesExtensions
{
    /// <summary>
    /// Serves the built SPA. Vite fingerprints everything under /assets, so those are cached for
    /// a year; index.html is revalidated on every load so a deploy is picked up at once.
    /// </summary>
    public static void UseSpaStaticFiles(this WebApplication app)
    {
        app.UseDefaultFiles();
        app.UseStaticFiles(new StaticFileOptions
        {
            OnPrepareResponse = context =>
            {
                var headers = context.Context.Response.Headers;
                headers[HeaderNames.CacheControl] = context.Context.Request.Path.StartsWithSegments("/assets")
                    ? "public, max-age=31536000, immutable"
                    : "no-cache";
            },
        });
    }
}

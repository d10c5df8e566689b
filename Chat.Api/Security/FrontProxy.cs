using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Chat.Api.Security;

/// <summary>
/// The browser's address, for per-address limits: the web front forwards it in
/// <c>X-Forwarded-For</c>, and proves it is the front with the shared secret in <c>X-Chat-Front</c>.
/// Anyone else's forwarded headers are dropped, so no caller (not even one on the same machine)
/// can choose the address it is counted under.
/// </summary>
public static class FrontProxy
{
    public const string KeyHeader = "X-Chat-Front";

    public static void UseFrontProxy(this WebApplication app)
    {
        var key = app.Services.GetRequiredService<IOptions<SecurityOptions>>().Value.FrontKey;
        var expected = string.IsNullOrEmpty(key) ? null : Encoding.UTF8.GetBytes(key);
        app.Use((context, next) =>
        {
            var headers = context.Request.Headers;
            var fromFront = expected is not null && headers[KeyHeader] is { Count: 1 } given
                && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given.ToString()), expected);
            if (!fromFront)
            {
                headers.Remove("X-Forwarded-For");
                headers.Remove("X-Forwarded-Proto");
                headers.Remove("X-Forwarded-Host");
            }
            headers.Remove(KeyHeader);
            return next(context);
        });
        // The browser's address, and the scheme and host it used (the front's public origin, which
        // the origin check accepts wherever the cluster is deployed).
        var forwarded = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost,
        };
        // Whoever sent them proved to be the front (above): trust them from any network address.
        forwarded.KnownIPNetworks.Clear();
        forwarded.KnownProxies.Clear();
        app.UseForwardedHeaders(forwarded);
    }
}

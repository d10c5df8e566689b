using System.Net;
using Microsoft.Extensions.Options;

namespace Chat.Api.Push;

/// <summary>
/// Which subscription endpoints the server will ever send to: https on a known push service, so
/// a client cannot make the server request an address of its choosing (server-side request
/// forgery). Plain http only for a loopback host that the settings name (tests, local development).
/// </summary>
public sealed class PushEndpoints(IOptions<PushOptions> options)
{
    public const int MaxLength = 2048;

    // A host without a port allows that host on its scheme's default port only.
    private readonly HashSet<string> _configured = options.Value.AllowedHosts.Select(h => h.Trim().ToLowerInvariant()).ToHashSet();

    public bool IsAllowed(string? endpoint)
    {
        if (endpoint is not { Length: > 0 and <= MaxLength } || !Uri.TryCreate(endpoint, UriKind.Absolute, out var uri)) return false;
        if (uri.UserInfo.Length > 0 || uri.Fragment.Length > 0) return false;
        var host = uri.IdnHost.ToLowerInvariant();
        var hostAndPort = uri.IsDefaultPort ? host : $"{host}:{uri.Port}";
        return uri.Scheme switch
        {
            "https" => _configured.Contains(hostAndPort) || PushOptions.DefaultHosts.Any(allowed => Matches(allowed, host, uri.IsDefaultPort)),
            "http" => IsLoopback(host) && _configured.Contains(hostAndPort),
            _ => false,
        };
    }

    private static bool Matches(string allowed, string host, bool defaultPort) =>
        defaultPort && (allowed.StartsWith("*.", StringComparison.Ordinal) ? host.EndsWith(allowed[1..], StringComparison.Ordinal) : allowed == host);

    private static bool IsLoopback(string host) =>
        host == "localhost" || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}

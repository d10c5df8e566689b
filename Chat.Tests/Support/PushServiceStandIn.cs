using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;

namespace Chat.Tests.Support;

/// <summary>
/// A push service of the tests' own (plain http on loopback, which the API accepts only for a
/// host its Push:AllowedHosts names). It checks what a real push service checks (RFC 8030 and
/// RFC 8292: a VAPID JWT signed ES256 by the <c>k=</c> key, for this origin, expiring within 24 h,
/// with a contact; a TTL; aes128gcm) and keeps what it accepted per device, or answers as a
/// device's test told it to (410 Gone, 429 with Retry-After).
/// </summary>
public sealed class PushServiceStandIn : IAsyncDisposable
{
    public sealed record Delivery(string Device, byte[] Body, string Ttl, string? Topic, string? Urgency, string VapidKey, JsonElement Claims);

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Delivery>> _accepted = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<int>> _answers = new();
    private readonly ConcurrentQueue<string> _refusals = new();

    private PushServiceStandIn(WebApplication app)
    {
        _app = app;
        app.MapPost("/push/{device}", Receive);
    }

    public static async Task<PushServiceStandIn> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var standIn = new PushServiceStandIn(builder.Build());
        await standIn._app.StartAsync();
        standIn.Origin = new Uri(standIn._app.Urls.Single());
        return standIn;
    }

    public Uri Origin { get; private set; } = null!;

    /// <summary>The host:port the API must be told to allow.</summary>
    public string Host => $"{Origin.Host}:{Origin.Port}";

    /// <summary>A new device's endpoint on this push service.</summary>
    public string NewEndpoint() => new Uri(Origin, $"/push/{Guid.NewGuid():N}").ToString();

    /// <summary>Requests this service refused as malformed (a bug on the sender's side): none, in a passing run.</summary>
    public IReadOnlyCollection<string> Refusals => _refusals;

    public IReadOnlyList<Delivery> AcceptedFor(string endpoint) =>
        _accepted.TryGetValue(DeviceOf(endpoint), out var queue) ? queue.ToList() : [];

    /// <summary>The device's next pushes are answered with these statuses, in order (then accepted again).</summary>
    public void AnswerNext(string endpoint, params int[] statuses)
    {
        var queue = _answers.GetOrAdd(DeviceOf(endpoint), _ => new ConcurrentQueue<int>());
        foreach (var status in statuses) queue.Enqueue(status);
    }

    /// <summary>Waits until the device received <paramref name="count"/> pushes (or the time runs out) and returns what it has.</summary>
    public async Task<IReadOnlyList<Delivery>> WaitForAsync(string endpoint, int count, TimeSpan within)
    {
        var until = DateTime.UtcNow + within;
        while (AcceptedFor(endpoint).Count < count && DateTime.UtcNow < until) await Task.Delay(50);
        return AcceptedFor(endpoint);
    }

    private static string DeviceOf(string endpoint) => new Uri(endpoint).Segments[^1];

    private async Task<IResult> Receive(string device, HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        var problem = Check(request, out var key, out var claims, out var ttl);
        if (problem is not null)
        {
            _refusals.Enqueue($"{device}: {problem}");
            return Results.Problem(problem, statusCode: problem.StartsWith("VAPID", StringComparison.Ordinal) ? 403 : 400);
        }
        if (_answers.TryGetValue(device, out var answers) && answers.TryDequeue(out var status))
        {
            if (status == StatusCodes.Status429TooManyRequests) request.HttpContext.Response.Headers.RetryAfter = "1";
            return Results.StatusCode(status);
        }
        _accepted.GetOrAdd(device, _ => new ConcurrentQueue<Delivery>()).Enqueue(new Delivery(
            device, buffer.ToArray(), ttl!, request.Headers["Topic"].FirstOrDefault(), request.Headers["Urgency"].FirstOrDefault(), key!, claims));
        request.HttpContext.Response.Headers.Location = $"/message/{Guid.NewGuid():N}";
        return Results.StatusCode(StatusCodes.Status201Created);
    }

    private string? Check(HttpRequest request, out string? key, out JsonElement claims, out string? ttl)
    {
        key = null;
        claims = default;
        ttl = request.Headers["TTL"].FirstOrDefault();
        if (ttl is null || !int.TryParse(ttl, out var seconds) || seconds < 0) return "TTL header missing or not a number of seconds";
        if (request.Headers.ContentEncoding.ToString() != "aes128gcm") return $"Content-Encoding is '{request.Headers.ContentEncoding}', not aes128gcm";
        if (request.Headers["Topic"].FirstOrDefault() is { } topic && (topic.Length > 32 || topic.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))))
        {
            return "Topic is not at most 32 base64url characters";
        }
        if (request.Headers["Urgency"].FirstOrDefault() is { } urgency && urgency is not ("very-low" or "low" or "normal" or "high"))
        {
            return $"Urgency '{urgency}' is not one of RFC 8030's";
        }

        // RFC 8292 §3: Authorization: vapid t=<JWT>, k=<the server's public key>.
        var authorization = request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("vapid ", StringComparison.Ordinal)) return "VAPID: no 'vapid' Authorization";
        var parameters = authorization["vapid ".Length..].Split(',', StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        if (!parameters.TryGetValue("t", out var token) || !parameters.TryGetValue("k", out key)) return "VAPID: t= or k= missing";
        var parts = token.Split('.');
        if (parts.Length != 3) return "VAPID: t is not a JWT";
        using var header = JsonDocument.Parse(WebEncoders.Base64UrlDecode(parts[0]));
        if (header.RootElement.GetProperty("alg").GetString() != "ES256") return "VAPID: alg is not ES256";

        var publicKey = WebEncoders.Base64UrlDecode(key);
        if (publicKey is not [0x04, ..] || publicKey.Length != 65) return "VAPID: k is not an uncompressed P-256 point";
        using var verifier = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = publicKey[1..33], Y = publicKey[33..] },
        });
        // JWS ES256: the signature is r || s (IEEE P1363), over "header.payload".
        if (!verifier.VerifyData(System.Text.Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"), WebEncoders.Base64UrlDecode(parts[2]), HashAlgorithmName.SHA256))
        {
            return "VAPID: the JWT's signature does not verify with k";
        }
        claims = JsonDocument.Parse(WebEncoders.Base64UrlDecode(parts[1])).RootElement.Clone();
        var origin = $"{request.Scheme}://{request.Host}";
        if (!claims.TryGetProperty("aud", out var aud) || aud.GetString() != origin) return $"VAPID: aud {aud} is not this origin ({origin})";
        if (!claims.TryGetProperty("exp", out var exp) || exp.GetInt64() is var expires
            && (expires <= DateTimeOffset.UtcNow.ToUnixTimeSeconds() || expires > DateTimeOffset.UtcNow.AddHours(24).ToUnixTimeSeconds()))
        {
            return "VAPID: exp missing, past, or more than 24 hours away";
        }
        if (!claims.TryGetProperty("sub", out var sub) || sub.GetString() is not { } contact
            || !(contact.StartsWith("mailto:", StringComparison.Ordinal) || contact.StartsWith("https:", StringComparison.Ordinal)))
        {
            return "VAPID: sub is not a mailto: or https: contact";
        }
        return null;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

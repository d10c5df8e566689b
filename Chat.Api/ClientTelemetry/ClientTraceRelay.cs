using System.Net.Http.Headers;
using Chat.Api.Contracts;
using Chat.Api.Validation;
using Google.Protobuf;
using Microsoft.Extensions.Options;

namespace Chat.Api.ClientTelemetry;

/// <summary>
/// Takes the web client's OTLP/HTTP trace exports (from a signed-in session, through the web
/// front: same origin, no collector address or key in the browser) and forwards them to this
/// process's own OTLP endpoint, the one its spans go to, so browser spans land beside the
/// cluster's wherever it runs: the dashboard locally, the tests' collector, the deployment's.
/// An export must be one (protobuf <c>ExportTraceServiceRequest</c>), only of the
/// <see cref="ServiceName"/> resource (a browser cannot pass spans off as the API's), and
/// bounded in spans; its size is bounded by the API's body limit and its rate per session.
/// The OTLP endpoint must speak OTLP/HTTP (the AppHost sets http/protobuf); when it does not,
/// browsers are told to sample nothing.
/// </summary>
public sealed class ClientTraceRelay
{
    public const string ServiceName = "web-client";
    public const string ContentType = "application/x-protobuf";

    private readonly IHttpClientFactory _http;
    private readonly ClientTelemetryOptions _options;
    private readonly ClientTelemetryMetrics _metrics;
    private readonly ILogger<ClientTraceRelay> _logger;
    private readonly Uri? _traces;
    private readonly KeyValuePair<string, string>[] _headers;

    public ClientTraceRelay(IHttpClientFactory http, IConfiguration configuration, IOptions<ClientTelemetryOptions> options,
        ClientTelemetryMetrics metrics, ILogger<ClientTraceRelay> logger)
    {
        (_http, _options, _metrics, _logger) = (http, options.Value, metrics, logger);
        // The standard exporter variables (what ServiceDefaults' UseOtlpExporter reads).
        var endpoint = configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        var protocol = configuration["OTEL_EXPORTER_OTLP_PROTOCOL"];
        if (Uri.TryCreate(endpoint, UriKind.Absolute, out var otlp) && protocol == "http/protobuf")
        {
            _traces = new Uri(otlp, otlp.AbsolutePath.TrimEnd('/') + "/v1/traces");
        }
        _headers = ParseHeaders(configuration["OTEL_EXPORTER_OTLP_HEADERS"]);
    }

    public ClientTelemetrySettings Settings() => new(_traces is null ? 0 : _options.SampleRatio);

    public async Task<ClientError?> RelayAsync(string? contentType, byte[] export, CancellationToken cancellationToken)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media) || media.MediaType != ContentType)
        {
            return Refuse("content type", new ClientError(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                Detail: $"Trace exports are OTLP/HTTP in protobuf ({ContentType})."));
        }
        IReadOnlyList<OtlpTraces.Resource> resources;
        try
        {
            resources = OtlpTraces.Read(export);
        }
        catch (InvalidProtocolBufferException)
        {
            return Refuse("not otlp", ClientError.Invalid("body", "The body is not an OTLP trace export."));
        }
        if (resources.Any(resource => resource.ServiceName != ServiceName))
        {
            return Refuse("service", ClientError.Invalid("body", $"Only the {ServiceName} service's spans are accepted."));
        }
        var spans = resources.Sum(resource => resource.Spans.Count);
        if (spans > _options.MaxSpansPerExport)
        {
            return Refuse("spans", ClientError.Invalid("body", $"An export holds at most {_options.MaxSpansPerExport} spans."));
        }
        if (_traces is null || spans == 0) return null;

        // Best effort, like every exporter: a span the endpoint does not take is counted and
        // dropped, never a reason for the browser to resend (it would only add to the load).
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, _traces) { Content = new ByteArrayContent(export) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(ContentType);
            foreach (var (name, value) in _headers) request.Headers.TryAddWithoutValidation(name, value);
            using var response = await _http.CreateClient(nameof(ClientTraceRelay)).SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                _metrics.Relayed.Add(spans);
                return null;
            }
            _logger.LogWarning("The OTLP endpoint answered {Status} to {Spans} browser spans; dropped.", (int)response.StatusCode, spans);
        }
        catch (HttpRequestException ex)
        {
            _logger.LogWarning(ex, "The OTLP endpoint did not take {Spans} browser spans; dropped.", spans);
        }
        _metrics.Dropped.Add(spans);
        return null;
    }

    private ClientError Refuse(string reason, ClientError error)
    {
        _metrics.Refused.Add(1, new KeyValuePair<string, object?>("reason", reason));
        return error;
    }

    /// <summary>OTEL_EXPORTER_OTLP_HEADERS: "name=value,name=value", values URL-encoded (the dashboard's API key rides here).</summary>
    private static KeyValuePair<string, string>[] ParseHeaders(string? headers) =>
        (headers ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(pair => pair.Split('=', 2))
            .Where(parts => parts.Length == 2 && parts[0].Length > 0)
            .Select(parts => KeyValuePair.Create(parts[0].Trim(), Uri.UnescapeDataString(parts[1].Trim())))
            .ToArray();
}

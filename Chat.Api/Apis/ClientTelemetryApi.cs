using Chat.Api.ClientTelemetry;
using Chat.Api.Contracts;
using Chat.Api.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Api.Apis;

/// <summary>
/// The web client's traces (docs/api.md, Client telemetry): how much to sample, and OTLP/HTTP
/// exports relayed to the cluster's OTLP endpoint. Signed-in sessions only, each with its own rate.
/// </summary>
public static class ClientTelemetryApi
{
    public static void MapClientTelemetryApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("").WithTags("Client telemetry").RequireAuthorization();
        api.MapGet("/api/telemetry/settings", Settings);
        // The path ServiceDefaults leaves untraced (the exports are not themselves worth a trace).
        api.MapPost(ServiceDefaultsExtensions.ClientTracesPath, Traces).RequireRateLimiting(RateLimits.ClientTraces)
            .Accepts<byte[]>(ClientTraceRelay.ContentType)
            .Produces(StatusCodes.Status200OK, contentType: ClientTraceRelay.ContentType);
    }

    public static Ok<ClientTelemetrySettings> Settings(ClientTraceRelay relay) => TypedResults.Ok(relay.Settings());

    public static async Task<IResult> Traces(HttpContext context, ClientTraceRelay relay, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, cancellationToken);
        var error = await relay.RelayAsync(context.Request.ContentType, body.ToArray(), cancellationToken);
        // OTLP/HTTP's success: 200 with an ExportTraceServiceResponse, whose empty encoding is no bytes.
        return error is null ? Results.Bytes([], ClientTraceRelay.ContentType) : error.ToProblem(context);
    }
}

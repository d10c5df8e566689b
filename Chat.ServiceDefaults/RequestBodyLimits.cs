namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Body sizes the API accepts, known to the web front too, so it can refuse an oversize body
/// readably before proxying it (a 413 sent mid-upload reaches a browser as a broken connection).
/// </summary>
public static class RequestBodyLimits
{
    /// <summary>JSON bodies are small; endpoints that take files raise their own limit.</summary>
    public const long MaxJsonBodyBytes = 64 * 1024;

    /// <summary>The largest image by default (Media:MaxUploadBytes, which the AppHost gives both services).</summary>
    public const long DefaultMaxUploadBytes = 10 * 1024 * 1024;

    /// <summary>Room for the multipart boundaries and part headers around a file at the upload limit.</summary>
    public const long MultipartEnvelopeBytes = 64 * 1024;
}

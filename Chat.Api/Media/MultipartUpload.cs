using Chat.Api.Validation;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Chat.Api.Media;

/// <summary>
/// Reads the "file" part of a multipart upload as it streams in, refusing it as soon as it passes
/// the limit (413): no whole-body buffering, no strings, no temporary files.
/// </summary>
public static class MultipartUpload
{
    public static async Task<(byte[]? File, ClientError? Error)> ReadFileAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBytes + RequestBodyLimits.MultipartEnvelopeBytes;
        }
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
            || !contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(contentType.Boundary).Value is not { Length: > 0 } boundary)
        {
            return (null, new ClientError(StatusCodes.Status415UnsupportedMediaType, "Send the image as multipart/form-data with a part named \"file\""));
        }

        var reader = new MultipartReader(boundary, request.Body);
        while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                || HeaderUtilities.RemoveQuotes(disposition.Name).Value != "file")
            {
                continue;
            }
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await section.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    return (null, new ClientError(StatusCodes.Status413PayloadTooLarge, $"Images are limited to {maxBytes / (1024 * 1024)} MB"));
                }
                buffer.Write(chunk, 0, read);
            }
            return (buffer.ToArray(), null);
        }
        return (null, ClientError.Invalid("file", "A part named \"file\" is required."));
    }
}

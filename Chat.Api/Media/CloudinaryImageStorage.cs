using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;

namespace Chat.Api.Media;

/// <summary>The parts of CLOUDINARY_URL: <c>cloudinary://api_key:api_secret@cloud_name</c>.</summary>
public sealed record CloudinaryAccount(string ApiKey, string ApiSecret, string CloudName)
{
    public static CloudinaryAccount Parse(string url) =>
        TryParse(url, out var account) ? account : throw new FormatException("CLOUDINARY_URL must look like cloudinary://api_key:api_secret@cloud_name.");

    public static bool TryParse(string url, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out CloudinaryAccount? account)
    {
        account = null;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)) return false;
        var credentials = uri.UserInfo.Split(':', 2);
        if (uri.Scheme != "cloudinary" || credentials.Length != 2 || string.IsNullOrEmpty(uri.Host)) return false;
        account = new CloudinaryAccount(Uri.UnescapeDataString(credentials[0]), Uri.UnescapeDataString(credentials[1]), uri.Host);
        return true;
    }
}

/// <summary>
/// Signed uploads to Cloudinary's Upload API over plain HttpClient (the SDK is not served here).
/// Thumbnails are Cloudinary URL transformations of the stored image, made on first request.
/// </summary>
public sealed class CloudinaryImageStorage(HttpClient http, CloudinaryAccount account, TimeProvider time, Uri? apiBase = null) : IImageStorage
{
    public const string ThumbnailTransformation = "c_limit,w_320,h_320";
    private readonly Uri _apiBase = apiBase ?? new Uri("https://api.cloudinary.com/");

    public string Name => "cloudinary";

    /// <summary>
    /// Cloudinary's signature: the parameters to sign (all but file, api_key, resource_type,
    /// cloud_name), sorted by name, as name=value joined with '&amp;', followed by the API
    /// secret, hashed with SHA-1, in lower-case hex.
    /// </summary>
    public static string Sign(IEnumerable<KeyValuePair<string, string>> parameters, string apiSecret)
    {
        var toSign = string.Join('&', parameters
            .Where(p => p.Key is not ("file" or "api_key" or "resource_type" or "cloud_name" or "signature") && p.Value.Length > 0)
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => $"{p.Key}={p.Value}"));
        return Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(toSign + apiSecret)));
    }

    public async Task<(string Url, string ThumbnailUrl)> SaveAsync(string mediaId, ProcessedImage image, CancellationToken cancellationToken)
    {
        var signed = new Dictionary<string, string>
        {
            ["public_id"] = $"chat/{mediaId}",
            ["timestamp"] = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
        };
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(image.Full);
        file.Headers.ContentType = new(image.ContentType);
        form.Add(file, "file", $"{mediaId}.{image.Extension}");
        foreach (var (name, value) in signed) form.Add(new StringContent(value), name);
        form.Add(new StringContent(account.ApiKey), "api_key");
        form.Add(new StringContent(Sign(signed, account.ApiSecret)), "signature");

        HttpResponseMessage response;
        try
        {
            response = await http.PostAsync(new Uri(_apiBase, $"v1_1/{account.CloudName}/image/upload"), form, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new ImageStorageException(StatusCodes.Status502BadGateway, $"Image storage could not be reached ({ex.Message}).");
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode) throw new ImageStorageException(StatusFor(response.StatusCode), await ErrorMessageAsync(response));
            var uploaded = await response.Content.ReadFromJsonAsync<UploadResult>(cancellationToken)
                ?? throw new ImageStorageException(StatusCodes.Status502BadGateway, "Image storage answered without a result.");
            return (uploaded.SecureUrl, uploaded.SecureUrl.Replace("/image/upload/", $"/image/upload/{ThumbnailTransformation}/"));
        }
    }

    // 420 is Cloudinary's "rate limited": ask the client to come back later. Everything else
    // (bad credentials, a 5xx) is our storage failing: a bad gateway.
    private static int StatusFor(HttpStatusCode status) =>
        (int)status is 420 or 429 ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status502BadGateway;

    private static async Task<string> ErrorMessageAsync(HttpResponseMessage response)
    {
        var detail = "";
        try
        {
            detail = (await response.Content.ReadFromJsonAsync<ErrorResult>())?.Error?.Message ?? "";
        }
        catch (System.Text.Json.JsonException)
        {
            // Not Cloudinary's JSON error shape.
        }
        return $"Image storage refused the upload ({(int)response.StatusCode}{(detail.Length > 0 ? $": {detail}" : "")}).";
    }

    private sealed record UploadResult(
        [property: JsonPropertyName("public_id")] string PublicId,
        [property: JsonPropertyName("secure_url")] string SecureUrl,
        [property: JsonPropertyName("width")] int Width,
        [property: JsonPropertyName("height")] int Height);

    private sealed record ErrorResult([property: JsonPropertyName("error")] ErrorDetail? Error);

    private sealed record ErrorDetail([property: JsonPropertyName("message")] string? Message);
}

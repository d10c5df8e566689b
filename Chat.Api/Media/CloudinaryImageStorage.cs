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
/// Cloudinary over its REST API on plain HttpClient (the SDK is not served here), signed per its
/// documented rule. Public images (avatars) are ordinary uploads, delivered by Cloudinary's CDN,
/// their thumbnails URL transformations. Private images (messages) are uploaded with
/// <c>type=private</c>, the full image and our own thumbnail as two assets, and are delivered
/// only through the API, which redirects an allowed viewer to a signed download URL that expires
/// after <see cref="PrivateUrlLifetime"/>.
/// </summary>
public sealed class CloudinaryImageStorage(HttpClient http, CloudinaryAccount account, TimeProvider time, Uri? apiBase = null) : IImageStorage
{
    public const string ThumbnailTransformation = "c_limit,w_320,h_320";
    public static readonly TimeSpan PrivateUrlLifetime = TimeSpan.FromHours(1);
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

    public async Task<(string Url, string ThumbnailUrl)> SaveAsync(string mediaId, ProcessedImage image, bool isPrivate, CancellationToken cancellationToken)
    {
        if (!isPrivate)
        {
            var url = await UploadAsync(PublicId(mediaId, thumbnail: false), image.Full, image, "upload", cancellationToken);
            return (url, url.Replace("/image/upload/", $"/image/upload/{ThumbnailTransformation}/"));
        }
        await UploadAsync(PublicId(mediaId, thumbnail: false), image.Full, image, "private", cancellationToken);
        await UploadAsync(PublicId(mediaId, thumbnail: true), image.Thumbnail, image, "private", cancellationToken);
        return (MediaPaths.Full(mediaId, image.Extension), MediaPaths.Thumbnail(mediaId, image.Extension));
    }

    public async Task DeleteAsync(MediaDocument media, CancellationToken cancellationToken)
    {
        var type = media.Private ? "private" : "upload";
        await DestroyAsync(PublicId(media.Id, thumbnail: false), type, cancellationToken);
        if (media.Private) await DestroyAsync(PublicId(media.Id, thumbnail: true), type, cancellationToken);
    }

    /// <summary>A private image: Cloudinary's signed download URL, valid for <see cref="PrivateUrlLifetime"/>. A public one: its CDN URL.</summary>
    public ImageLocation Locate(MediaDocument media, bool thumbnail)
    {
        if (!media.Private) return new(null, new Uri(thumbnail ? media.ThumbnailUrl : media.Url));
        var now = time.GetUtcNow();
        var query = Signed(new Dictionary<string, string>
        {
            ["public_id"] = PublicId(media.Id, thumbnail),
            ["format"] = media.Extension,
            ["type"] = "private",
            ["expires_at"] = (now + PrivateUrlLifetime).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            ["timestamp"] = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
        });
        var encoded = string.Join('&', query.Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}"));
        return new(null, new Uri(_apiBase, $"v1_1/{account.CloudName}/image/download?{encoded}"));
    }

    private static string PublicId(string mediaId, bool thumbnail) => $"chat/{mediaId}{(thumbnail ? "_t" : "")}";

    // The parameters with the timestamp, api_key and signature Cloudinary checks.
    private Dictionary<string, string> Signed(Dictionary<string, string> parameters)
    {
        parameters.TryAdd("timestamp", time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        parameters["signature"] = Sign(parameters, account.ApiSecret);
        parameters["api_key"] = account.ApiKey;
        return parameters;
    }

    private async Task<string> UploadAsync(string publicId, byte[] bytes, ProcessedImage image, string type, CancellationToken cancellationToken)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new(image.ContentType);
        form.Add(file, "file", $"{publicId.Split('/')[^1]}.{image.Extension}");
        var parameters = new Dictionary<string, string> { ["public_id"] = publicId };
        if (type != "upload") parameters["type"] = type;
        foreach (var (name, value) in Signed(parameters)) form.Add(new StringContent(value), name);

        using var response = await SendAsync(() => http.PostAsync(new Uri(_apiBase, $"v1_1/{account.CloudName}/image/upload"), form, cancellationToken));
        var uploaded = await response.Content.ReadFromJsonAsync<UploadResult>(cancellationToken)
            ?? throw new ImageStorageException(StatusCodes.Status502BadGateway, "Image storage answered without a result.");
        return uploaded.SecureUrl;
    }

    private async Task DestroyAsync(string publicId, string type, CancellationToken cancellationToken)
    {
        using var form = new FormUrlEncodedContent(Signed(new Dictionary<string, string> { ["public_id"] = publicId, ["type"] = type }));
        using var response = await SendAsync(() => http.PostAsync(new Uri(_apiBase, $"v1_1/{account.CloudName}/image/destroy"), form, cancellationToken));
    }

    // A request to Cloudinary; its failures as ImageStorageException (502, or 503 when it rate-limits).
    private static async Task<HttpResponseMessage> SendAsync(Func<Task<HttpResponseMessage>> send)
    {
        HttpResponseMessage response;
        try
        {
            response = await send();
        }
        catch (HttpRequestException ex)
        {
            throw new ImageStorageException(StatusCodes.Status502BadGateway, $"Image storage could not be reached ({ex.Message}).");
        }
        if (response.IsSuccessStatusCode) return response;
        using (response) throw new ImageStorageException(StatusFor(response.StatusCode), await ErrorMessageAsync(response));
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
        return $"Image storage refused the request ({(int)response.StatusCode}{(detail.Length > 0 ? $": {detail}" : "")}).";
    }

    private sealed record UploadResult(
        [property: JsonPropertyName("public_id")] string PublicId,
        [property: JsonPropertyName("secure_url")] string SecureUrl,
        [property: JsonPropertyName("width")] int Width,
        [property: JsonPropertyName("height")] int Height);

    private sealed record ErrorResult([property: JsonPropertyName("error")] ErrorDetail? Error);

    private sealed record ErrorDetail([property: JsonPropertyName("message")] string? Message);
}

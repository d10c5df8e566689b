using System.Net;
using System.Security.Cryptography;
using System.Text;
using Chat.Api.Media;
using Chat.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Chat.Tests.Integration;

/// <summary>
/// The Cloudinary client against Cloudinary's documented contract: the worked signature example
/// from its documentation, and a local stand-in for the Upload API that checks what Cloudinary
/// checks (api key, fresh timestamp, signature recomputed from the documented rule) and answers
/// in Cloudinary's JSON shapes, including its errors.
/// </summary>
public sealed class CloudinaryImageStorageTests : IAsyncLifetime
{
    private const string ApiKey = "123456789012345";
    private const string ApiSecret = "abcd-secret";
    private WebApplication _fake = null!;
    private Uri _fakeBase = null!;
    private readonly List<(string PublicId, string Type, byte[] File)> _uploads = [];
    private readonly List<(string PublicId, string Type)> _destroyed = [];
    private int _failWith;

    [Fact]
    public void Signature_matches_the_worked_example_in_cloudinarys_documentation()
    {
        var signature = CloudinaryImageStorage.Sign(new Dictionary<string, string>
        {
            ["timestamp"] = "1315060510",
            ["public_id"] = "sample_image",
            ["eager"] = "w_400,h_300,c_pad|w_260,h_200,c_crop",
            ["api_key"] = "not signed",
            ["file"] = "not signed",
        }, "abcd");

        Assert.Equal("bfd09f95f331f558cbd1320e67aa8d488770583e", signature);
    }

    [Fact]
    public void The_account_comes_from_cloudinary_url()
    {
        Assert.Equal(new CloudinaryAccount("key", "s3:cr/t", "demo"), CloudinaryAccount.Parse("cloudinary://key:s3%3Acr%2Ft@demo"));
        Assert.Throws<FormatException>(() => CloudinaryAccount.Parse("https://key:secret@demo"));
    }

    [Fact]
    public async Task A_public_image_is_a_signed_upload_delivered_by_the_cdn_with_a_url_transformation_thumbnail()
    {
        var storage = Storage(ApiSecret);
        var (image, _) = ImageProcessor.Process(TestImages.Jpeg());

        var (url, thumbnail) = await storage.SaveAsync("abc123", image!, isPrivate: false, default);

        Assert.Equal("https://res.cloudinary.com/demo/image/upload/v1700000000/chat/abc123.jpg", url);
        Assert.Equal("https://res.cloudinary.com/demo/image/upload/c_limit,w_320,h_320/v1700000000/chat/abc123.jpg", thumbnail);
        var upload = Assert.Single(_uploads);
        Assert.Equal(("chat/abc123", "upload"), (upload.PublicId, upload.Type));
        Assert.Equal(image!.Full, upload.File);
    }

    [Fact]
    public async Task A_private_image_is_two_private_assets_served_through_the_api_never_by_a_public_url()
    {
        var (image, _) = ImageProcessor.Process(TestImages.Jpeg());

        var (url, thumbnail) = await Storage(ApiSecret).SaveAsync("abcdefghijklmnopqrstuv", image!, isPrivate: true, default);

        Assert.Equal(("/media/abcdefghijklmnopqrstuv.jpg", "/media/abcdefghijklmnopqrstuv_t.jpg"), (url, thumbnail));
        Assert.Equal([("chat/abcdefghijklmnopqrstuv", "private"), ("chat/abcdefghijklmnopqrstuv_t", "private")],
            _uploads.Select(u => (u.PublicId, u.Type)));
        Assert.Equal([image!.Full, image.Thumbnail], _uploads.Select(u => u.File));
    }

    [Fact]
    public void A_private_image_is_delivered_by_a_signed_download_url_that_expires_in_an_hour()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        var storage = new CloudinaryImageStorage(new HttpClient(), new CloudinaryAccount(ApiKey, ApiSecret, "demo"), new FixedTime(now));
        var media = new MediaDocument
        {
            Id = "abcdefghijklmnopqrstuv", OwnerId = "o", Url = "/media/x.jpg", ThumbnailUrl = "/media/x_t.jpg", Width = 1, Height = 1,
            ContentType = "image/jpeg", Extension = "jpg", Bytes = 1, CreatedAt = DateTime.UnixEpoch, Private = true,
        };

        var url = storage.Locate(media, thumbnail: true).RedirectTo!;

        Assert.Equal("https://api.cloudinary.com/v1_1/demo/image/download", url.GetLeftPart(UriPartial.Path));
        var query = System.Web.HttpUtility.ParseQueryString(url.Query);
        Assert.Equal(("chat/abcdefghijklmnopqrstuv_t", "jpg", "private", ApiKey), (query["public_id"], query["format"], query["type"], query["api_key"]));
        Assert.Equal((now + TimeSpan.FromHours(1)).ToUnixTimeSeconds().ToString(), query["expires_at"]);
        Assert.Equal(DocumentedSignature(query.AllKeys.ToDictionary(k => k!, k => query[k]!)), query["signature"]);
    }

    [Fact]
    public async Task Deleting_a_private_image_destroys_both_assets_with_signed_requests()
    {
        var media = new MediaDocument
        {
            Id = "abcdefghijklmnopqrstuv", OwnerId = "o", Url = "", ThumbnailUrl = "", Width = 1, Height = 1,
            ContentType = "image/jpeg", Extension = "jpg", Bytes = 1, CreatedAt = DateTime.UnixEpoch, Private = true,
        };

        await Storage(ApiSecret).DeleteAsync(media, default);

        Assert.Equal([("chat/abcdefghijklmnopqrstuv", "private"), ("chat/abcdefghijklmnopqrstuv_t", "private")], _destroyed);
    }

    [Theory]
    [InlineData(401, 502, "Invalid Signature")]
    [InlineData(420, 503, "Rate Limit Exceeded")]
    [InlineData(500, 502, "General Error")]
    public async Task Cloudinary_errors_become_clear_gateway_errors(int cloudinaryStatus, int clientStatus, string message)
    {
        _failWith = cloudinaryStatus;
        var (image, _) = ImageProcessor.Process(TestImages.Jpeg());

        var error = await Assert.ThrowsAsync<ImageStorageException>(() => Storage(ApiSecret).SaveAsync("abc", image!, isPrivate: false, default));

        Assert.Equal(clientStatus, error.Status);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public async Task A_wrong_secret_is_refused_by_the_signature_check()
    {
        var (image, _) = ImageProcessor.Process(TestImages.Jpeg());

        var error = await Assert.ThrowsAsync<ImageStorageException>(() => Storage("wrong-secret").SaveAsync("abc", image!, isPrivate: true, default));

        Assert.Equal(502, error.Status);
        Assert.Contains("Invalid Signature", error.Message);
        Assert.Empty(_uploads);
    }

    private CloudinaryImageStorage Storage(string secret) =>
        new(new HttpClient(), new CloudinaryAccount(ApiKey, secret, "demo"), TimeProvider.System, _fakeBase);

    private static async Task<byte[]> ReadAsync(IFormFile file)
    {
        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _fake = builder.Build();
        _fake.MapPost("/v1_1/{cloud}/image/upload", async (string cloud, HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            if (_failWith == 420) return Error(420, "Rate Limit Exceeded");
            if (_failWith == 500) return Error(500, "General Error");
            if (_failWith == 401 || !Authentic(form) || form.Files["file"] is null) return Error(401, "Invalid Signature");
            var type = form["type"] is { Count: 1 } given ? given.ToString() : "upload";
            _uploads.Add((form["public_id"].ToString(), type, await ReadAsync(form.Files["file"]!)));
            return Results.Json(new Dictionary<string, object>
            {
                ["public_id"] = form["public_id"].ToString(), ["version"] = 1700000000, ["width"] = 200, ["height"] = 100,
                ["format"] = "jpg", ["resource_type"] = "image", ["bytes"] = form.Files["file"]!.Length,
                ["secure_url"] = $"https://res.cloudinary.com/{cloud}/image/upload/v1700000000/{form["public_id"]}.jpg",
            });
        });
        _fake.MapPost("/v1_1/{cloud}/image/destroy", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            if (!Authentic(form)) return Error(401, "Invalid Signature");
            _destroyed.Add((form["public_id"].ToString(), form["type"].ToString()));
            return Results.Json(new { result = "ok" });
        });
        await _fake.StartAsync();
        _fakeBase = new Uri(_fake.Urls.Single());
    }

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    private static IResult Error(int status, string message) =>
        Results.Json(new { error = new { message } }, statusCode: status);

    private static bool FreshTimestamp(string? value) =>
        long.TryParse(value, out var seconds) && Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - seconds) < 3600;

    private static bool Authentic(IFormCollection form) =>
        form["api_key"] == ApiKey && FreshTimestamp(form["timestamp"])
        && form["signature"] == DocumentedSignature(form.Keys.ToDictionary(k => k, k => form[k].ToString()));

    // Written here from Cloudinary's documentation, independently of the client's code: every
    // parameter but file, api_key, resource_type, cloud_name and signature, sorted, joined, secret appended, SHA-1.
    private static string DocumentedSignature(IReadOnlyDictionary<string, string> parameters)
    {
        var signed = parameters.Keys.Where(k => k is not ("file" or "api_key" or "resource_type" or "cloud_name" or "signature"))
            .Order(StringComparer.Ordinal).Select(k => $"{k}={parameters[k]}");
        var hash = SHA1.HashData(Encoding.UTF8.GetBytes(string.Join("&", signed) + ApiSecret));
        return Convert.ToHexStringLower(hash);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

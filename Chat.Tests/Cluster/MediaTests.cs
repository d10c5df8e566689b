using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Chat.Tests.Support;
using SkiaSharp;

namespace Chat.Tests.Cluster;

/// <summary>Uploads through the web front into the local store, and their use in messages and avatars.</summary>
[Collection(ClusterCollection.Name)]
public class MediaTests(ClusterFixture cluster)
{
    private sealed record MediaDto(string Id, string Url, string ThumbnailUrl, int Width, int Height, string ContentType, long Bytes);

    private static MultipartFormDataContent File(byte[] content, string fileName = "photo.png", string contentType = "image/png")
    {
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return new MultipartFormDataContent { { file, "file", fileName } };
    }

    private static async Task<MediaDto> UploadAsync(ChatApiClient client, byte[] image)
    {
        using var response = await client.Http.PostAsync("/api/media", File(image));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<MediaDto>(ChatApiClient.Json))!;
    }

    [Fact]
    public async Task An_uploaded_image_travels_in_a_message_and_both_sizes_are_served_by_the_web_front()
    {
        using var ann = ChatApiClient.For(cluster.WebEndpoint);
        await ann.NewUserAsync("Ann");
        using var ben = ChatApiClient.For(cluster.WebEndpoint);
        var benUser = await ben.NewUserAsync("Ben");
        await using var benLive = await LiveClient.ConnectAsync(cluster.WebEndpoint, ben.SessionToken!);

        var media = await UploadAsync(ann, TestImages.JpegWithExif(1200, 800, orientation: 1));
        Assert.Equal((1200, 800, "image/jpeg"), (media.Width, media.Height, media.ContentType));
        Assert.Matches("^[A-Za-z0-9_-]{22}$", media.Id); // 128 random bits

        using var send = await ann.Http.PostAsJsonAsync($"/api/conversations/{benUser.Id}/messages",
            new { clientMessageId = Guid.NewGuid().ToString(), text = "look", mediaId = media.Id });
        Assert.Equal(HttpStatusCode.Created, send.StatusCode);
        var pushed = await benLive.WaitForAsync<MessageDto>("MessageReceived", m => m.Image is not null);
        Assert.Equal(new ImageDto(media.Url, media.ThumbnailUrl, 1200, 800), pushed.Image);

        foreach (var (url, width) in new[] { (media.Url, 1200), (media.ThumbnailUrl, 320) })
        {
            using var response = await ben.Http.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("image/jpeg", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.True(response.Headers.CacheControl!.Private, "a message image is cached by the viewer's browser only");
            var bytes = await response.Content.ReadAsByteArrayAsync();
            Assert.False(TestImages.HasExif(bytes));
            using var decoded = SKBitmap.Decode(bytes);
            Assert.Equal(width, decoded.Width);
        }
    }

    [Fact]
    public async Task A_message_image_is_seen_only_by_its_sender_and_recipient_and_goes_with_its_message()
    {
        using var ann = ChatApiClient.For(cluster.WebEndpoint);
        await ann.NewUserAsync("Ann");
        using var ben = ChatApiClient.For(cluster.WebEndpoint);
        var benUser = await ben.NewUserAsync("Ben");
        using var cat = ChatApiClient.For(cluster.WebEndpoint);
        await cat.NewUserAsync("Cat");
        using var anonymous = ChatApiClient.For(cluster.WebEndpoint);

        var media = await UploadAsync(ann, TestImages.Jpeg(400, 300));
        // Not sent yet: only its uploader sees it.
        Assert.Equal(HttpStatusCode.OK, (await ann.Http.GetAsync(media.Url)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ben.Http.GetAsync(media.Url)).StatusCode);

        using var send = await ann.Http.PostAsJsonAsync($"/api/conversations/{benUser.Id}/messages",
            new { clientMessageId = Guid.NewGuid().ToString(), mediaId = media.Id });
        var message = (await send.Content.ReadFromJsonAsync<MessageDto>(ChatApiClient.Json))!;

        foreach (var url in new[] { media.Url, media.ThumbnailUrl })
        {
            Assert.Equal(HttpStatusCode.OK, (await ann.Http.GetAsync(url)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await ben.Http.GetAsync(url)).StatusCode);
            using var byCat = await cat.Http.GetAsync(url);
            using var byNobody = await anonymous.Http.GetAsync(url);
            Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (byCat.StatusCode, byNobody.StatusCode));
        }
        Assert.True(System.IO.File.Exists(Path.Combine(cluster.MediaDirectory, $"{media.Id}.jpg")));

        using var delete = await ann.Http.DeleteAsync($"/api/messages/{message.Id}");

        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ben.Http.GetAsync(media.Url)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ann.Http.GetAsync(media.ThumbnailUrl)).StatusCode);
        Assert.False(System.IO.File.Exists(Path.Combine(cluster.MediaDirectory, $"{media.Id}.jpg")));
        Assert.False(System.IO.File.Exists(Path.Combine(cluster.MediaDirectory, $"{media.Id}_t.jpg")));
    }

    [Theory]
    [InlineData("/media/../appsettings.json")]
    [InlineData("/media/%2e%2e%2fappsettings.json")]
    [InlineData("/media/AAAAAAAAAAAAAAAAAAAAAA.jpg")]
    [InlineData("/media/not-a-media-file.txt")]
    public async Task Anything_else_under_media_is_a_404(string path)
    {
        using var ann = ChatApiClient.For(cluster.WebEndpoint);
        await ann.NewUserAsync("Ann");

        using var response = await ann.Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Media_can_be_used_once_and_only_by_its_uploader()
    {
        using var ann = ChatApiClient.For(cluster.WebEndpoint);
        await ann.NewUserAsync("Ann");
        using var ben = ChatApiClient.For(cluster.WebEndpoint);
        var benUser = await ben.NewUserAsync("Ben");
        using var cat = ChatApiClient.For(cluster.WebEndpoint);
        await cat.NewUserAsync("Cat");
        var media = await UploadAsync(ann, TestImages.Png());
        var clientMessageId = Guid.NewGuid().ToString();

        using var catUses = await cat.Http.PostAsJsonAsync($"/api/conversations/{benUser.Id}/messages",
            new { clientMessageId = Guid.NewGuid().ToString(), mediaId = media.Id });
        using var first = await ann.Http.PostAsJsonAsync($"/api/conversations/{benUser.Id}/messages", new { clientMessageId, mediaId = media.Id });
        using var retry = await ann.Http.PostAsJsonAsync($"/api/conversations/{benUser.Id}/messages", new { clientMessageId, mediaId = media.Id });
        using var reuse = await ann.Http.PostAsJsonAsync($"/api/conversations/{benUser.Id}/messages",
            new { clientMessageId = Guid.NewGuid().ToString(), mediaId = media.Id });
        using var unknown = await ann.Http.PostAsJsonAsync($"/api/conversations/{benUser.Id}/messages",
            new { clientMessageId = Guid.NewGuid().ToString(), mediaId = "AAAAAAAAAAAAAAAAAAAAAA" });

        Assert.Equal(HttpStatusCode.NotFound, catUses.StatusCode);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode); // the original, not a conflict with itself
        Assert.Equal(HttpStatusCode.Conflict, reuse.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Single((await ben.HistoryAsync((await ann.Http.GetFromJsonAsync<UserDto>("/api/auth/me", ChatApiClient.Json))!.Id)).Items);
    }

    [Fact]
    public async Task The_avatar_is_the_uploads_thumbnail_and_shows_in_the_directory()
    {
        using var ann = ChatApiClient.For(cluster.WebEndpoint);
        var user = await ann.NewUserAsync($"Avatar {Guid.NewGuid():N}");

        using var response = await ann.Http.PutAsync("/api/users/me/avatar", File(TestImages.Jpeg(800, 800), "me.jpg", "image/jpeg"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var updated = (await response.Content.ReadFromJsonAsync<UserDto>(ChatApiClient.Json))!;
        Assert.Matches("^/media/[A-Za-z0-9_-]{22}_t\\.jpg$", updated.AvatarUrl);
        using var avatar = SKBitmap.Decode(await ann.Http.GetByteArrayAsync(updated.AvatarUrl));
        Assert.Equal((320, 320), (avatar.Width, avatar.Height));
        // Avatars are public: anyone, signed in or not, and shared caches.
        using var anonymous = ChatApiClient.For(cluster.WebEndpoint);
        using var byAnyone = await anonymous.Http.GetAsync(updated.AvatarUrl);
        Assert.Equal(HttpStatusCode.OK, byAnyone.StatusCode);
        Assert.True(byAnyone.Headers.CacheControl!.Public);
        using var other = ChatApiClient.For(cluster.WebEndpoint);
        await other.NewUserAsync("Other");
        var contact = (await other.Http.GetFromJsonAsync<ContactPageDto>($"/api/users?q={Uri.EscapeDataString(user.FullName)}", ChatApiClient.Json))!.Items.Single();
        Assert.Equal(updated.AvatarUrl, contact.AvatarUrl);
        // A new photo replaces the old one, which leaves the storage.
        using var again = await ann.Http.PutAsync("/api/users/me/avatar", File(TestImages.Png(400, 400), "me.png", "image/png"));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.Http.GetAsync(updated.AvatarUrl)).StatusCode);
    }

    public static TheoryData<string, byte[], HttpStatusCode> HostileUploads => new()
    {
        { "SVG renamed .png", TestImages.Text("<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"), HttpStatusCode.UnsupportedMediaType },
        { "HTML renamed .png", TestImages.Text("<html><script>alert(1)</script></html>"), HttpStatusCode.UnsupportedMediaType },
        { "truncated JPEG", TestImages.Jpeg(400, 300)[..600], HttpStatusCode.BadRequest },
        { "PNG declaring 50000×50000", TestImages.PngDeclaring(50_000, 50_000), HttpStatusCode.BadRequest },
        { "GIF bomb", TestImages.GifBomb(), HttpStatusCode.BadRequest },
        { "zero bytes", [], HttpStatusCode.BadRequest },
        { "11 MB", [0xFF, 0xD8, 0xFF, .. new byte[11 * 1024 * 1024]], HttpStatusCode.RequestEntityTooLarge },
    };

    [Theory]
    [MemberData(nameof(HostileUploads), DisableDiscoveryEnumeration = true)] // megabytes of data: made when run, not at discovery
    public async Task Hostile_uploads_get_a_clear_4xx_and_nothing_is_stored(string name, byte[] content, HttpStatusCode expected)
    {
        using var ann = ChatApiClient.For(cluster.WebEndpoint);
        await ann.NewUserAsync("Ann");
        var filesBefore = Directory.GetFiles(cluster.MediaDirectory).Length;

        // Expect: 100-continue, as a careful client uploading a large file does: a refused body
        // is then never sent, rather than cut off mid-way by the server's connection reset.
        using var upload = await ann.Http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/media")
        {
            Content = File(content), Headers = { ExpectContinue = true },
        });
        using var avatar = await ann.Http.SendAsync(new HttpRequestMessage(HttpMethod.Put, "/api/users/me/avatar")
        {
            Content = File(content), Headers = { ExpectContinue = true },
        });

        foreach (var response in new[] { upload, avatar })
        {
            Assert.True(response.StatusCode == expected, $"{name}: {response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        Assert.Equal(filesBefore, Directory.GetFiles(cluster.MediaDirectory).Length);
        Assert.Null((await ann.Http.GetFromJsonAsync<UserDto>("/api/auth/me", ChatApiClient.Json))!.AvatarUrl);
    }

    [Fact]
    public async Task An_oversize_upload_sent_as_a_browser_sends_it_gets_a_readable_413_not_a_broken_connection()
    {
        using var ann = ChatApiClient.For(cluster.WebEndpoint);
        await ann.NewUserAsync("Ann");

        // No Expect: 100-continue: the whole body goes before the answer is read, as from a browser.
        using var response = await ann.Http.PostAsync("/api/media", File([0xFF, 0xD8, 0xFF, .. new byte[12 * 1024 * 1024]]));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task An_upload_that_is_not_multipart_is_a_415()
    {
        using var ann = ChatApiClient.For(cluster.WebEndpoint);
        await ann.NewUserAsync("Ann");

        using var response = await ann.Http.PostAsync("/api/media", new ByteArrayContent(TestImages.Png()));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }
}

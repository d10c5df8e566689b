using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.Tests.Support;

namespace Chat.Tests.Cluster;

/// <summary>
/// Export (API 1.3): a zip of everything the user can read, prepared in the background by a
/// replica, theirs alone to follow and download, and nothing of anyone else's in it.
/// </summary>
[Collection(ClusterCollection.Name)]
public class AccountExportTests(ClusterFixture cluster)
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);

    private Task<ReplicaPerson> NewPersonAsync(string name) => ReplicaPerson.SignUpAsync(cluster, $"{name} {Guid.NewGuid():N}");

    private static async Task<(HttpStatusCode Status, ExportDto? Export)> RequestAsync(ChatApiClient client)
    {
        using var response = await client.Http.PostAsync("/api/account/export", null);
        return (response.StatusCode, response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<ExportDto>(ChatApiClient.Json) : null);
    }

    private static async Task<ExportDto> ReadyAsync(ChatApiClient client, string id)
    {
        var deadline = DateTime.UtcNow + Within;
        while (true)
        {
            var export = (await client.Http.GetFromJsonAsync<ExportDto>($"/api/account/export/{id}", ChatApiClient.Json))!;
            Assert.InRange(export.Progress, 0, 1);
            if (export.Status != "preparing" || DateTime.UtcNow > deadline) return export;
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task The_zip_holds_my_profile_conversations_messages_and_uploads_and_nothing_I_cannot_read()
    {
        using var ann = await NewPersonAsync("Ann Exports");
        using var ben = await NewPersonAsync("Ben Exported");
        using var cat = await NewPersonAsync("Cat Private");
        var file = new ByteArrayContent(TestImages.Png());
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        using var uploaded = await ann.OnA.Http.PostAsync("/api/media", new MultipartFormDataContent { { file, "file", "photo.png" } });
        var mediaId = (await uploaded.Content.ReadFromJsonAsync<JsonElement>(ChatApiClient.Json)).GetProperty("id").GetString()!;
        using (var withImage = await ann.OnA.Http.PostAsJsonAsync($"/api/conversations/{ben.Id}/messages",
                   new { clientMessageId = Guid.NewGuid().ToString(), text = "our holiday photo", mediaId }))
        {
            Assert.Equal(HttpStatusCode.Created, withImage.StatusCode);
        }
        await ben.OnB.SendAsync(ann.Id, "lovely, thanks");
        var groupId = await ben.OnA.NewGroupAsync("Ben's group", cat.Id);
        await ben.OnA.SentToGroupAsync(groupId, "before Ann joined: not hers to read");
        Assert.Equal(HttpStatusCode.OK, await ben.OnA.AddMembersAsync(groupId, ann.Id));
        await cat.OnB.SentToGroupAsync(groupId, "welcome Ann");
        await ben.OnA.SendAsync(cat.Id, "Ben and Cat only");
        using (var block = await ann.OnA.Http.PutAsync($"/api/users/{cat.Id}/block", null)) block.EnsureSuccessStatusCode();

        var (status, requested) = await RequestAsync(ann.OnB);
        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal("preparing", requested!.Status);
        Assert.Null(requested.DownloadUrl);
        Assert.InRange(requested.ExpiresAt, DateTime.UtcNow.AddHours(23), DateTime.UtcNow.AddHours(25));
        // Nobody else sees it or its zip; asking again while it is prepared is the same export.
        using (var others = await ben.OnA.Http.GetAsync($"/api/account/export/{requested.Id}")) Assert.Equal(HttpStatusCode.NotFound, others.StatusCode);
        var (_, again) = await RequestAsync(ann.OnA);
        Assert.True(again!.Id == requested.Id || again.Status != "preparing");

        var ready = await ReadyAsync(ann.OnA, requested.Id);
        Assert.Equal(("ready", 1.0), (ready.Status, ready.Progress));
        using (var others = await ben.OnB.Http.GetAsync(ready.DownloadUrl)) Assert.Equal(HttpStatusCode.NotFound, others.StatusCode);
        using var download = await ann.OnB.Http.GetAsync(ready.DownloadUrl);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("application/zip", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        await using var zipStream = await download.Content.ReadAsStreamAsync();
        using var zip = new ZipArchive(zipStream, ZipArchiveMode.Read);
        string Text(string name)
        {
            using var reader = new StreamReader(zip.GetEntry(name)!.Open());
            return reader.ReadToEnd();
        }

        var profile = JsonDocument.Parse(Text("profile.json")).RootElement;
        Assert.Equal(ann.User.Email, profile.GetProperty("user").GetProperty("email").GetString());
        Assert.Equal("everyone", profile.GetProperty("privacy").GetProperty("lastSeen").GetString());
        Assert.NotEqual(0, JsonDocument.Parse(Text("sessions.json")).RootElement.GetArrayLength());
        Assert.Equal([cat.Id], JsonDocument.Parse(Text("blocks.json")).RootElement.EnumerateArray().Select(b => b.GetProperty("id").GetString()));
        var conversations = JsonDocument.Parse(Text("conversations.json")).RootElement.EnumerateArray().Select(c => c.GetProperty("id").GetString()!).ToList();
        Assert.Equal(2, conversations.Count);
        Assert.Contains(groupId, conversations);

        var pair = JsonDocument.Parse(Text($"messages/{conversations.Single(c => c != groupId)}.json")).RootElement.EnumerateArray()
            .Select(m => m.GetProperty("text").GetString()).ToList();
        Assert.Equal(["our holiday photo", "lovely, thanks"], pair);
        var group = JsonDocument.Parse(Text($"messages/{groupId}.json")).RootElement.EnumerateArray()
            .Where(m => m.GetProperty("event").ValueKind == JsonValueKind.Null).Select(m => m.GetProperty("text").GetString()).ToList();
        Assert.Equal(["welcome Ann"], group);

        var media = Assert.Single(zip.Entries, e => e.FullName.StartsWith("media/", StringComparison.Ordinal));
        Assert.Equal($"media/{mediaId}.png", media.FullName);
        var served = await ann.OnA.Http.GetByteArrayAsync(JsonDocument.Parse(Text($"messages/{conversations.Single(c => c != groupId)}.json"))
            .RootElement[0].GetProperty("image").GetProperty("url").GetString());
        using (var stored = new MemoryStream())
        {
            await using (var entry = media.Open()) await entry.CopyToAsync(stored);
            Assert.Equal(served, stored.ToArray());
        }

        // Nothing of a conversation Ann is not in, nor of the group before she joined.
        var everything = string.Concat(zip.Entries.Where(e => e.FullName.EndsWith(".json", StringComparison.Ordinal)).Select(e => Text(e.FullName)));
        Assert.DoesNotContain("Ben and Cat only", everything);
        Assert.DoesNotContain("not hers to read", everything);
        Assert.DoesNotContain("passwordHash", everything, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_user_prepares_at_most_three_exports_a_day_and_a_forged_id_names_none()
    {
        using var dan = await NewPersonAsync("Dan Hoarder");
        for (var i = 0; i < 3; i++)
        {
            var (status, export) = await RequestAsync(dan.OnA);
            Assert.Equal(HttpStatusCode.Accepted, status);
            Assert.Equal("ready", (await ReadyAsync(dan.OnB, export!.Id)).Status);
        }
        var (refused, _) = await RequestAsync(dan.OnB);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused);

        foreach (var forged in new[] { "nope", new string('x', 200), "../../etc/passwd" })
        {
            using var response = await dan.OnA.Http.GetAsync($"/api/account/export/{Uri.EscapeDataString(forged)}");
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            using var download = await dan.OnA.Http.GetAsync($"/api/account/export/{Uri.EscapeDataString(forged)}/download");
            Assert.Equal(HttpStatusCode.NotFound, download.StatusCode);
        }
        using var anonymous = await ChatApiClient.For(cluster.ApiReplicas[0]).Http.PostAsync("/api/account/export", null);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }
}

public sealed record ExportDto(string Id, string Status, double Progress, string? DownloadUrl, DateTime ExpiresAt);

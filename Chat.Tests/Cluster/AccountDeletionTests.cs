using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.Tests.Support;

namespace Chat.Tests.Cluster;

/// <summary>
/// Deleting one's account (API 1.3): it leaves no trace in sessions, the directory, search or
/// media, the people it talked with keep their history with its messages as tombstones (or kept,
/// if asked), nothing new can be sent to it, and its email is free to sign up again.
/// </summary>
[Collection(ClusterCollection.Name)]
public class AccountDeletionTests(ClusterFixture cluster)
{
    private Task<ReplicaPerson> NewPersonAsync(string name) => ReplicaPerson.SignUpAsync(cluster, $"{name} {Guid.NewGuid():N}");

    private static async Task<HttpResponseMessage> DeleteAccountAsync(ChatApiClient client, object? body) =>
        await client.Http.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/api/account")
        {
            Content = body is null ? null : JsonContent.Create(body),
        });

    private static async Task<string> UploadAsync(ChatApiClient client, string path = "/api/media")
    {
        var file = new ByteArrayContent(TestImages.Png());
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        using var response = await client.Http.SendAsync(new HttpRequestMessage(path == "/api/media" ? HttpMethod.Post : HttpMethod.Put, path)
        {
            Content = new MultipartFormDataContent { { file, "file", "photo.png" } },
        });
        Assert.True(response.IsSuccessStatusCode, $"upload: {response.StatusCode}");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(ChatApiClient.Json);
        return body.GetProperty(path == "/api/media" ? "id" : "avatarUrl").GetString()!;
    }

    private static async Task<List<ContactDto>> FindAsync(ChatApiClient client, string q) =>
        (await client.Http.GetFromJsonAsync<ContactPageDto>($"/api/users?q={Uri.EscapeDataString(q)}", ChatApiClient.Json))!.Items;

    [Fact]
    public async Task A_deleted_account_leaves_no_trace_and_its_messages_are_tombstones_in_the_peers_history()
    {
        using var ann = await NewPersonAsync("Ann Leaving");
        using var ben = await NewPersonAsync("Ben Stays");
        using var cat = await NewPersonAsync("Cat Blocked");
        var avatarUrl = await UploadAsync(ann.OnA, "/api/users/me/avatar");
        var mediaId = await UploadAsync(ann.OnA);
        using (var withImage = await ann.OnA.Http.PostAsJsonAsync($"/api/conversations/{ben.Id}/messages",
                   new { clientMessageId = Guid.NewGuid().ToString(), text = "zebracrossing photo", mediaId }))
        {
            Assert.Equal(HttpStatusCode.Created, withImage.StatusCode);
        }
        var (_, annText) = await ann.OnB.SendAsync(ben.Id, "my zebracrossing secret");
        var (_, benText) = await ben.OnA.SendAsync(ann.Id, "Ben's own words");
        var groupId = await ann.OnA.NewGroupAsync("Ann and Ben", ben.Id);
        await ann.OnA.SentToGroupAsync(groupId, "zebracrossing in the group");
        using (var block = await ann.OnA.Http.PutAsync($"/api/users/{cat.Id}/block", null)) block.EnsureSuccessStatusCode();
        var imageUrl = (await ben.OnA.HistoryAsync(ann.Id)).Items.Single(m => m.Image is not null).Image!.Url;
        Assert.Equal(HttpStatusCode.OK, (await ben.OnA.Http.GetAsync(imageUrl)).StatusCode);
        using var annPhone = ChatApiClient.For(cluster.ApiReplicas[1]);
        using (var login = await annPhone.LogInAsync(ann.User.Email, "correct horse")) login.EnsureSuccessStatusCode();
        await using var phoneLive = await LiveClient.ConnectAsync(cluster.ApiReplicas[1], annPhone.SessionToken!);

        // Refused without the password, or with a wrong one: nothing changes.
        using (var none = await DeleteAccountAsync(ann.OnA, null)) Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);
        using (var wrong = await DeleteAccountAsync(ann.OnA, new { password = "not my password" }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            Assert.Equal("Wrong password", (await wrong.Content.ReadFromJsonAsync<ProblemDto>(ChatApiClient.Json))!.Title);
        }
        Assert.Single(await FindAsync(ben.OnA, ann.User.FullName));

        using (var deleted = await DeleteAccountAsync(ann.OnA, new { password = "correct horse" }))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        // Signed out everywhere, at once.
        foreach (var session in new[] { ann.OnA, ann.OnB, annPhone })
        {
            using var me = await session.Http.GetAsync("/api/auth/me");
            Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        }
        await WaitUntilAsync(() => phoneLive.Connection.State == Microsoft.AspNetCore.SignalR.Client.HubConnectionState.Disconnected);

        // Not findable by name or email; the old password opens nothing.
        Assert.Empty(await FindAsync(ben.OnB, ann.User.FullName));
        Assert.Empty(await FindAsync(ben.OnB, ann.User.Email));
        Assert.Empty(await FindAsync(ben.OnB, "Deleted account"));
        using (var relogin = await ChatApiClient.For(cluster.ApiReplicas[0]).LogInAsync(ann.User.Email, "correct horse"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, relogin.StatusCode);
        }

        // Ben's history: his words stand, hers are tombstones from "Deleted account".
        var listed = (await ben.OnA.ConversationsAsync()).Single(c => c.Peer?.Id == ann.Id);
        Assert.Equal(("Deleted account", null, false, null), (listed.Peer.FullName, listed.Peer.AvatarUrl, listed.Peer.Online, listed.Peer.LastSeenAt));
        var history = (await ben.OnB.HistoryAsync(ann.Id)).Items;
        Assert.All(history.Where(m => m.SenderId == ann.Id), m => Assert.Equal((true, null, null), (m.Deleted, m.Text, m.Image)));
        Assert.Equal("Ben's own words", history.Single(m => m.Id == benText!.Id).Text);
        Assert.True(history.Single(m => m.Id == annText!.Id).Deleted);
        var (_, groupPage) = await ben.OnA.GroupHistoryAsync(groupId);
        Assert.All(groupPage!.Items.Where(m => m.SenderId == ann.Id && m.Event is null), m => Assert.Null(m.Text));
        var (_, group) = await ben.OnB.GroupAsync(groupId);
        Assert.DoesNotContain(group!.Members, m => m.User.Id == ann.Id);
        var found = await ben.OnA.Http.GetFromJsonAsync<JsonElement>("/api/search/messages?q=zebracrossing", ChatApiClient.Json);
        Assert.Equal(0, found.GetProperty("items").GetArrayLength());

        // Her images and photo are gone from storage.
        Assert.Equal(HttpStatusCode.NotFound, (await ben.OnA.Http.GetAsync(imageUrl)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ben.OnA.Http.GetAsync(avatarUrl)).StatusCode);

        // Nothing new reaches it, on either replica; Cat, whom she blocked, is told the same.
        foreach (var sender in new[] { ben.OnA, ben.OnB, cat.OnA })
        {
            var (refused, _) = await sender.SendAsync(ann.Id, "are you there?");
            using (refused)
            {
                Assert.Equal(HttpStatusCode.Gone, refused.StatusCode);
                Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            }
        }
        Assert.Equal(HttpStatusCode.BadRequest, await ben.OnA.AddMembersAsync(groupId, ann.Id));

        // The email is free again: a new account, a new person.
        using var again = ChatApiClient.For(cluster.ApiReplicas[1]);
        using (var signUp = await again.SignUpAsync(ann.User.Email, "another good secret", "Ann Again")) Assert.Equal(HttpStatusCode.Created, signUp.StatusCode);
        var newAnn = (await again.Http.GetFromJsonAsync<UserDto>("/api/auth/me", ChatApiClient.Json))!;
        Assert.NotEqual(ann.Id, newAnn.Id);
        Assert.Empty(await again.ConversationsAsync());
    }

    [Fact]
    public async Task Keep_my_messages_leaves_them_readable_to_the_people_I_wrote_to_under_Deleted_account()
    {
        using var ann = await NewPersonAsync("Ann Keeps");
        using var ben = await NewPersonAsync("Ben Reader");
        var (_, kept) = await ann.OnA.SendAsync(ben.Id, "remember this");
        using (var deleted = await DeleteAccountAsync(ann.OnB, new { password = "correct horse", keepMessages = true }))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }
        var message = (await ben.OnA.HistoryAsync(ann.Id)).Items.Single(m => m.Id == kept!.Id);
        Assert.Equal(("remember this", false), (message.Text, message.Deleted));
        Assert.Equal("Deleted account", (await ben.OnB.ConversationsAsync()).Single(c => c.Peer.Id == ann.Id).Peer.FullName);
        Assert.Empty(await FindAsync(ben.OnA, ann.User.FullName));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition() && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.True(condition());
    }
}

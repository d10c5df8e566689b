using System.Net.Http.Json;
using Chat.Tests.Cluster;
using Chat.Tests.Support;

namespace Chat.Tests.Browser;

/// <summary>
/// Someone signed up over the API (so a test can also act as them) and logged in in a browser
/// of their own; their name gets a random tail so tests never find each other's people.
/// </summary>
public sealed record BrowserPerson(ChatPage Page, ChatApiClient Api, string Id, string Name, string Email)
{
    public static async Task<BrowserPerson> SignUpAsync(ClusterFixture cluster, BrowserFixture browsers, string first)
    {
        var name = $"{first} {Guid.NewGuid():N}"[..(first.Length + 7)];
        var email = ChatApiClient.NewEmail(first.ToLowerInvariant());
        var api = ChatApiClient.For(cluster.ApiReplicas[0]);
        using (var signUp = await api.SignUpAsync(email, fullName: name)) signUp.EnsureSuccessStatusCode();
        var id = (await api.Http.GetFromJsonAsync<UserDto>("/api/auth/me", ChatApiClient.Json))!.Id;
        var page = new ChatPage(await browsers.NewPersonAsync(cluster.WebEndpoint));
        await page.LogInAsync(email);
        return new BrowserPerson(page, api, id, name, email);
    }
}

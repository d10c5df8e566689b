using System.Net;
using System.Net.Http.Json;
using Chat.Tests.Support;

namespace Chat.Tests.Cluster;

/// <summary>The user directory and the profile, through the web front as the SPA uses them.</summary>
[Collection(ClusterCollection.Name)]
public class DirectoryTests(ClusterFixture cluster)
{
    // A name prefix no other test uses, so searches see only this test's users.
    private readonly string _tag = "zq" + Guid.NewGuid().ToString("N")[..6];

    [Fact]
    public async Task Directory_searches_name_and_word_prefixes_case_insensitively_and_excludes_me()
    {
        using var me = ChatApiClient.For(cluster.WebEndpoint);
        var self = await me.NewUserAsync($"{_tag} Self");
        var ada = await NewUserAsync($"{_tag} Ada Lovelace");
        var alan = await NewUserAsync($"{_tag} Alan Turing");
        var grace = await NewUserAsync($"{_tag} Grace Hopper");

        Assert.Equal([ada.Id, alan.Id, grace.Id], (await SearchAsync(me, _tag.ToUpperInvariant())).Select(c => c.Id));
        Assert.Equal([ada.Id, alan.Id], (await SearchAsync(me, $"{_tag} A")).Select(c => c.Id));
        Assert.Equal([grace.Id], (await SearchAsync(me, "HOPP")).Where(c => c.FullName.StartsWith(_tag)).Select(c => c.Id));
        Assert.Equal([alan.Id], (await SearchAsync(me, alan.Email.ToUpperInvariant())).Select(c => c.Id)); // a whole email finds its person
        Assert.DoesNotContain(self.Id, (await SearchAsync(me, _tag)).Select(c => c.Id));

        var contact = (await SearchAsync(me, $"{_tag} Grace")).Single();
        Assert.Equal(new ContactDto(grace.Id, $"{_tag} Grace Hopper", null, false, null), contact);
    }

    [Fact]
    public async Task Directory_never_matches_part_of_an_email_so_addresses_cannot_be_guessed_a_character_at_a_time()
    {
        using var me = ChatApiClient.For(cluster.WebEndpoint);
        await me.NewUserAsync($"{_tag} Prober");
        var target = await NewUserAsync($"{_tag} Target");

        foreach (var probe in new[] { target.Email[..1], target.Email[..8], target.Email[..^1], target.Email.Split('@')[0] })
        {
            Assert.DoesNotContain(target.Id, (await SearchAsync(me, probe)).Select(c => c.Id));
        }
    }

    [Fact]
    public async Task Directory_pages_by_keyset_without_gaps_or_repeats()
    {
        using var me = ChatApiClient.For(cluster.WebEndpoint);
        await me.NewUserAsync($"{_tag} Reader");
        var names = new[] { "Eve", "Bob", "Dan", "Amy", "Cat" };
        foreach (var name in names) await NewUserAsync($"{_tag} {name}");

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await me.Http.GetFromJsonAsync<ContactPageDto>(
                $"/api/users?q={_tag}&limit=2{(cursor is null ? "" : $"&cursor={cursor}")}", ChatApiClient.Json);
            Assert.InRange(page!.Items.Count, 1, 2);
            seen.AddRange(page.Items.Select(c => c.FullName));
            cursor = page.Next;
            pages++;
        } while (cursor is not null);

        Assert.Equal(names.Order().Select(n => $"{_tag} {n}"), seen);
        Assert.Equal(3, pages);
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("cursor=bm90LWEtY3Vyc29y", "cursor")]
    [InlineData("cursor=%%%", "cursor")]
    [InlineData("q=a%00b", "q")]
    [InlineData("q=a%0Ab", "q")]
    public async Task Directory_refuses_bad_paging_with_a_400(string query, string field)
    {
        using var me = ChatApiClient.For(cluster.WebEndpoint);
        await me.NewUserAsync($"{_tag} Pager");

        using var response = await me.Http.GetAsync($"/api/users?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<ProblemDto>(ChatApiClient.Json);
        Assert.Contains(field, problem!.Errors!.Keys);
    }

    [Fact]
    public async Task Directory_refuses_a_non_numeric_limit_with_a_400()
    {
        using var me = ChatApiClient.For(cluster.WebEndpoint);
        await me.NewUserAsync($"{_tag} Pager");

        using var response = await me.Http.GetAsync("/api/users?limit=lots");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Profile_update_trims_and_validates_the_name()
    {
        using var me = ChatApiClient.For(cluster.WebEndpoint);
        var user = await me.NewUserAsync($"{_tag} Before");

        using var invalid = await me.Http.PutAsJsonAsync("/api/users/me", new { fullName = "   " });
        using var valid = await me.Http.PutAsJsonAsync("/api/users/me", new { fullName = $"  {_tag} After " });

        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal(["fullName"], (await invalid.Content.ReadFromJsonAsync<ProblemDto>(ChatApiClient.Json))!.Errors!.Keys);
        Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
        Assert.Equal(user with { FullName = $"{_tag} After" }, await valid.Content.ReadFromJsonAsync<UserDto>(ChatApiClient.Json));
        Assert.Equal($"{_tag} After", (await me.Http.GetFromJsonAsync<UserDto>("/api/auth/me", ChatApiClient.Json))!.FullName);
        // The directory finds the new name, not the old one.
        using var other = ChatApiClient.For(cluster.WebEndpoint);
        await other.NewUserAsync("Someone Else");
        Assert.Equal([user.Id], (await SearchAsync(other, $"{_tag} aft")).Select(c => c.Id));
        Assert.Empty(await SearchAsync(other, $"{_tag} bef"));
    }

    private async Task<UserDto> NewUserAsync(string fullName)
    {
        using var client = ChatApiClient.For(cluster.WebEndpoint);
        return await client.NewUserAsync(fullName);
    }

    private static async Task<List<ContactDto>> SearchAsync(ChatApiClient client, string q)
    {
        var page = await client.Http.GetFromJsonAsync<ContactPageDto>($"/api/users?q={Uri.EscapeDataString(q)}&limit=100", ChatApiClient.Json);
        return page!.Items;
    }
}

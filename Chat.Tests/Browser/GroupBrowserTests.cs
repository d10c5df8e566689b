using System.Net.Http.Json;
using Chat.Tests.Cluster;
using Chat.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Browser;

/// <summary>Groups in the web client: three people in three browsers.</summary>
[Collection(ClusterCollection.Name)]
public sealed class GroupBrowserTests(ClusterFixture cluster, BrowserFixture browsers) : IClassFixture<BrowserFixture>
{
    private Task<BrowserPerson> NewPersonAsync(string first) => BrowserPerson.SignUpAsync(cluster, browsers, first);

    private static ILocator Group(ChatPage page, string name) => page.Page.GetByRole(AriaRole.Region, new() { Name = $"Group {name}" });

    private static ILocator GroupRow(ChatPage page, string name) => page.Page.GetByTestId("conversation").Filter(new() { HasText = name });

    private static ILocator Composer(ChatPage page, string name) => Group(page, name).GetByRole(AriaRole.Textbox, new() { Name = $"Message {name}" });

    private static async Task SendAsync(ChatPage page, string group, string text)
    {
        await Composer(page, group).FillAsync(text);
        await Composer(page, group).PressAsync("Enter");
    }

    [Fact]
    public async Task A_group_of_three_made_in_the_browser_talks_live_with_names_typing_and_seen_by()
    {
        var ann = await NewPersonAsync("Ann");
        var bob = await NewPersonAsync("Bob");
        var cat = await NewPersonAsync("Cat");
        var page = ann.Page.Page;

        await page.GetByRole(AriaRole.Button, new() { Name = "New group" }).ClickAsync();
        await page.GetByLabel("Group name").FillAsync("Weekend trip");
        foreach (var person in new[] { bob, cat })
        {
            await page.GetByLabel("Search people to add").FillAsync(person.Name);
            await page.GetByRole(AriaRole.Checkbox, new() { Name = person.Name }).CheckAsync();
        }
        await page.GetByRole(AriaRole.Button, new() { Name = "Create group with 2 people" }).ClickAsync();
        await Expect(Group(ann.Page, "Weekend trip")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("event").First).ToContainTextAsync("You created the group “Weekend trip”");
        await Expect(page.GetByTestId("peer-status")).ToHaveTextAsync("3 members");

        // The group shows up in the others' lists live; they open it.
        await SendAsync(ann.Page, "Weekend trip", "Who brings the tent?");
        foreach (var person in new[] { bob, cat })
        {
            await GroupRow(person.Page, "Weekend trip").ClickAsync();
            var message = person.Page.Message("Who brings the tent?");
            await Expect(message.GetByTestId("sender")).ToHaveTextAsync(ann.Name);
        }

        // Typing shows by name; a reply arrives live everywhere.
        await Composer(bob.Page, "Weekend trip").PressSequentiallyAsync("I do");
        await Expect(Group(ann.Page, "Weekend trip").GetByTestId("typing")).ToHaveTextAsync($"{bob.Name} is typing…");
        await Composer(bob.Page, "Weekend trip").PressAsync("Enter");
        await Expect(ann.Page.Message("I do").GetByTestId("sender")).ToHaveTextAsync(bob.Name);
        await Expect(cat.Page.Message("I do")).ToBeVisibleAsync();

        // Both others have the group open at the bottom: Ann's message is seen by 2.
        await Expect(ann.Page.Message("Who brings the tent?").GetByTestId("seen-by")).ToHaveTextAsync("Seen by 2", new() { Timeout = 10_000 });
        await ann.Page.Message("Who brings the tent?").GetByTestId("seen-by").ClickAsync();
        var readers = ann.Page.Message("Who brings the tent?").GetByTestId("readers");
        await Expect(readers).ToContainTextAsync(bob.Name);
        await Expect(readers).ToContainTextAsync(cat.Name);
        await Expect(readers).Not.ToContainTextAsync(ann.Name);

        await Group(ann.Page, "Weekend trip").GetByRole(AriaRole.Button, new() { Name = "Members" }).ClickAsync();
        var panel = page.GetByTestId("member-panel");
        await Expect(panel.GetByTestId("member")).ToHaveCountAsync(3);
        await Expect(panel.GetByTestId("member").Filter(new() { HasText = ann.Name }).GetByTestId("role")).ToHaveTextAsync("Owner");
        await BrowserFixture.ScreenshotAsync(page, "group-conversation");
    }

    [Fact]
    public async Task A_mention_picked_after_at_is_highlighted_and_notifies_a_member_who_muted_the_group()
    {
        var ann = await NewPersonAsync("Ann");
        var bob = await NewPersonAsync("Bob");
        var cat = await NewPersonAsync("Cat");
        var groupId = await ann.Api.NewGroupAsync("Book club", bob.Id, cat.Id);
        var page = bob.Page.Page;
        await bob.Page.RecordNotificationsAsync();
        await page.GotoAsync($"/#/c/{Uri.EscapeDataString("g:" + groupId)}");
        await Group(bob.Page, "Book club").GetByRole(AriaRole.Button, new() { Name = "Mute" }).ClickAsync();
        await page.GotoAsync("/#/");

        // Muted: a plain message notifies nobody.
        await ann.Api.SentToGroupAsync(groupId, "Chapter three tonight");
        await Expect(GroupRow(bob.Page, "Book club")).ToContainTextAsync("Chapter three tonight");

        // Ann mentions Bob from the composer's suggestions.
        await ann.Page.Page.GotoAsync($"/#/c/{Uri.EscapeDataString("g:" + groupId)}");
        var composer = Composer(ann.Page, "Book club");
        await composer.PressSequentiallyAsync("Are you in, @" + bob.Name[..3]);
        await ann.Page.Page.GetByTestId("mention-suggestions").GetByRole(AriaRole.Button, new() { Name = bob.Name }).ClickAsync();
        await composer.PressSequentiallyAsync("?");
        await composer.PressAsync("Enter");
        var sent = ann.Page.Message("Are you in");
        await Expect(sent.Locator("mark.mention")).ToHaveTextAsync($"@{bob.Name}");

        await page.WaitForFunctionAsync("() => window.shown.length === 1");
        Assert.Equal("Book club", await page.EvaluateAsync<string>("() => window.shown[0].title"));
        Assert.StartsWith($"{ann.Name} mentioned you: Are you in, @{bob.Name}", await page.EvaluateAsync<string>("() => window.shown[0].body"));
        await Expect(GroupRow(bob.Page, "Book club").GetByTestId("mentions")).ToBeVisibleAsync();
        await Expect(page).ToHaveTitleAsync("(1) Chat"); // muted: only the mention counts
        var (_, history) = await bob.Api.GroupHistoryAsync(groupId);
        Assert.Equal([bob.Id], history!.Items.Single(m => m.Text?.StartsWith("Are you in") == true).Mentions);
    }

    [Fact]
    public async Task A_member_removed_from_the_panel_stops_receiving_the_group_and_messages_of_someone_blocked_are_collapsed()
    {
        var ann = await NewPersonAsync("Ann");
        var bob = await NewPersonAsync("Bob");
        var cat = await NewPersonAsync("Cat");
        var groupId = await ann.Api.NewGroupAsync("Flat share", bob.Id, cat.Id);
        using (var block = await bob.Api.Http.PutAsync($"/api/users/{cat.Id}/block", null)) block.EnsureSuccessStatusCode();
        await cat.Api.SentToGroupAsync(groupId, "Rent is due");
        await cat.Api.SentToGroupAsync(groupId, "Also the bins");

        // Bob blocked Cat: her messages are folded away until he asks.
        var hash = $"/#/c/{Uri.EscapeDataString("g:" + groupId)}";
        await bob.Page.Page.GotoAsync(hash);
        var run = bob.Page.Page.GetByTestId("blocked-run");
        await Expect(run).ToContainTextAsync("2 messages from someone you blocked");
        await Expect(bob.Page.Message("Rent is due")).ToHaveCountAsync(0);
        await run.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await Expect(bob.Page.Message("Rent is due")).ToBeVisibleAsync();

        // Ann removes Cat in the member panel; Cat's open view says so and gets nothing after.
        await cat.Page.Page.GotoAsync(hash);
        await Expect(cat.Page.Message("Also the bins")).ToBeVisibleAsync();
        await ann.Page.Page.GotoAsync(hash);
        await Group(ann.Page, "Flat share").GetByRole(AriaRole.Button, new() { Name = "Members" }).ClickAsync();
        var panel = ann.Page.Page.GetByTestId("member-panel");
        await panel.GetByTestId("member").Filter(new() { HasText = cat.Name }).GetByRole(AriaRole.Button, new() { Name = "Remove" }).ClickAsync();
        await Expect(panel.GetByTestId("member")).ToHaveCountAsync(2);
        await Expect(GroupRow(ann.Page, "Flat share")).ToContainTextAsync($"You removed {cat.Name}");
        await Expect(panel.GetByTestId("member").Filter(new() { HasText = ann.Name }).GetByTestId("read-position")).ToHaveTextAsync("Read everything");
        await BrowserFixture.ScreenshotAsync(ann.Page.Page, "group-members");

        await Expect(cat.Page.Page.GetByTestId("left-notice")).ToBeVisibleAsync();
        await Expect(cat.Page.Page.GetByTestId("event").Last).ToContainTextAsync($"{ann.Name} removed you");
        await SendAsync(ann.Page, "Flat share", "Cat has moved out");
        await Expect(bob.Page.Message("Cat has moved out")).ToBeVisibleAsync();
        await Task.Delay(500);
        await Expect(cat.Page.Message("Cat has moved out")).ToHaveCountAsync(0);
    }
}

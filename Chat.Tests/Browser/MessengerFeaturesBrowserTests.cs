using System.Net.Http.Json;
using Chat.Tests.Cluster;
using Chat.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Browser;

/// <summary>Replies, reactions, blocking, search and pasted images in the web client, two people in two browsers.</summary>
[Collection(ClusterCollection.Name)]
public sealed class MessengerFeaturesBrowserTests(ClusterFixture cluster, BrowserFixture browsers) : IClassFixture<BrowserFixture>
{
    private Task<BrowserPerson> NewPersonAsync(string first) => BrowserPerson.SignUpAsync(cluster, browsers, first);

    private static async Task<MessageDto> SendAsync(BrowserPerson from, BrowserPerson to, string text, string? replyToId = null)
    {
        using var response = await from.Api.Http.PostAsJsonAsync($"/api/conversations/{to.Id}/messages",
            new { clientMessageId = Guid.NewGuid().ToString(), text, replyToId });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<MessageDto>(ChatApiClient.Json))!;
    }

    [Fact]
    public async Task A_reply_quotes_its_original_and_a_click_on_the_quote_brings_an_old_original_back_into_view()
    {
        var ann = await NewPersonAsync("Ann");
        var bob = await NewPersonAsync("Bob");
        var original = await SendAsync(ann, bob, "The very first message");
        for (var i = 0; i < 60; i++) await SendAsync(ann, bob, $"filler {i}");
        await SendAsync(ann, bob, "About that first one", replyToId: original.Id);

        await bob.Page.OpenConversationWithAsync(ann.Name);
        var reply = bob.Page.Message("About that first one");
        await Expect(reply.GetByTestId("quote")).ToContainTextAsync("The very first message");
        await Expect(bob.Page.Message("The very first message")).ToHaveCountAsync(1); // the quote only: the original is pages back

        await reply.GetByTestId("quote").ClickAsync();
        var first = bob.Page.Messages.Filter(new() { HasText = "The very first message" }).And(bob.Page.Page.Locator("[data-seq='1']"));
        await Expect(first).ToBeInViewportAsync();
        await Expect(first).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("highlighted"));

        // Bob replies from the message's own Reply; Ann sees the quote live.
        await ann.Page.OpenConversationWithAsync(bob.Name);
        await reply.HoverAsync();
        await reply.GetByRole(AriaRole.Button, new() { Name = "Reply", Exact = true }).ClickAsync();
        await Expect(bob.Page.Page.GetByTestId("replying-to")).ToContainTextAsync("About that first one");
        await bob.Page.SendAsync("Yes, that one");
        await Expect(bob.Page.Page.GetByTestId("replying-to")).ToHaveCountAsync(0);
        await Expect(ann.Page.Message("Yes, that one").GetByTestId("quote")).ToContainTextAsync("About that first one");
        await BrowserFixture.ScreenshotAsync(ann.Page.Page, "reply");
    }

    [Fact]
    public async Task Reactions_toggle_from_the_palette_and_show_live_with_counts_and_mine_on_both_sides()
    {
        var ann = await NewPersonAsync("Ann");
        var bob = await NewPersonAsync("Bob");
        await SendAsync(ann, bob, "Good news everyone");
        await ann.Page.OpenConversationWithAsync(bob.Name);
        await bob.Page.OpenConversationWithAsync(ann.Name);

        var atBob = bob.Page.Message("Good news everyone");
        await atBob.HoverAsync();
        await atBob.GetByRole(AriaRole.Button, new() { Name = "React" }).ClickAsync();
        await bob.Page.Page.GetByRole(AriaRole.Button, new() { Name = "React 👍" }).ClickAsync();
        await Expect(atBob.GetByRole(AriaRole.Button, new() { Name = "👍 1, yours" })).ToBeVisibleAsync();

        var atAnn = ann.Page.Message("Good news everyone");
        var annThumb = atAnn.GetByRole(AriaRole.Button, new() { Name = "👍 1" , Exact = true });
        await Expect(annThumb).ToBeVisibleAsync(); // live, and not hers
        await annThumb.ClickAsync();
        await Expect(atAnn.GetByRole(AriaRole.Button, new() { Name = "👍 2, yours" })).ToBeVisibleAsync();
        await Expect(atBob.GetByRole(AriaRole.Button, new() { Name = "👍 2, yours" })).ToBeVisibleAsync();

        // Any emoji typed; a second click takes mine back.
        await atAnn.HoverAsync();
        await atAnn.GetByRole(AriaRole.Button, new() { Name = "React" }).ClickAsync();
        await ann.Page.Page.GetByLabel("Another emoji").FillAsync("🦄");
        await ann.Page.Page.GetByLabel("Another emoji").PressAsync("Enter");
        await Expect(atBob.GetByRole(AriaRole.Button, new() { Name = "🦄 1" , Exact = true })).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(bob.Page.Page, "reactions");
        await atAnn.GetByRole(AriaRole.Button, new() { Name = "👍 2, yours" }).ClickAsync();
        await Expect(atBob.GetByRole(AriaRole.Button, new() { Name = "👍 1, yours" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Blocking_from_the_header_stops_both_ways_and_unblocking_from_the_profile_undoes_it()
    {
        var ann = await NewPersonAsync("Ann");
        var bob = await NewPersonAsync("Bob");
        await SendAsync(bob, ann, "hello there");
        await ann.Page.OpenConversationWithAsync(bob.Name);
        await bob.Page.OpenConversationWithAsync(ann.Name);

        await ann.Page.Conversation.GetByRole(AriaRole.Button, new() { Name = "Block" }).ClickAsync();
        await Expect(ann.Page.Page.GetByTestId("blocked-notice")).ToContainTextAsync($"You blocked {bob.Name}");
        await Expect(ann.Page.PeerStatus).ToHaveTextAsync("Blocked");

        await bob.Page.SendAsync("can you hear me");
        await Expect(bob.Page.Message("can you hear me")).ToHaveAttributeAsync("data-status", "failed");
        await Expect(bob.Page.Message("can you hear me")).ToContainTextAsync("can't message this person");
        await Expect(ann.Page.Message("can you hear me")).ToHaveCountAsync(0);
        await BrowserFixture.ScreenshotAsync(ann.Page.Page, "block");

        await ann.Page.Page.GotoAsync("/#/profile");
        var blocked = ann.Page.Page.GetByTestId("blocked-people");
        await Expect(blocked).ToContainTextAsync(bob.Name);
        await blocked.GetByRole(AriaRole.Button, new() { Name = "Unblock" }).ClickAsync();
        await Expect(ann.Page.Page.GetByText("You have not blocked anyone.")).ToBeVisibleAsync();

        await ann.Page.Page.GotoAsync($"/#/c/{bob.Id}");
        await ann.Page.SendAsync("sorry, back");
        await Expect(bob.Page.Message("sorry, back")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Search_finds_messages_regardless_of_accents_highlights_the_words_and_opens_the_message_in_context()
    {
        var ann = await NewPersonAsync("Ann");
        var bob = await NewPersonAsync("Bob");
        var tag = Guid.NewGuid().ToString("N")[..8];
        await SendAsync(bob, ann, $"Meet at the Café {tag} at noon");
        for (var i = 0; i < 60; i++) await SendAsync(bob, ann, $"later {i}");

        await ann.Page.Page.GetByLabel("Search messages").FillAsync($"cafe {tag}");
        var hit = ann.Page.Page.GetByTestId("search-hit");
        await Expect(hit).ToHaveCountAsync(1);
        await Expect(hit).ToContainTextAsync(bob.Name);
        await Expect(hit.Locator("mark")).ToHaveTextAsync(["Café", tag]);
        await BrowserFixture.ScreenshotAsync(ann.Page.Page, "search");

        await hit.ClickAsync();
        var found = ann.Page.Message($"Meet at the Café {tag}");
        await Expect(found).ToBeInViewportAsync();
        await Expect(found).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("highlighted"));
    }

    [Fact]
    public async Task A_pasted_large_photo_is_resized_in_the_browser_and_several_dropped_images_go_as_separate_messages_in_order()
    {
        var ann = await NewPersonAsync("Ann");
        var bob = await NewPersonAsync("Bob");
        await ann.Page.OpenConversationWithAsync(bob.Name);
        await bob.Page.OpenConversationWithAsync(ann.Name);

        // Paste: a clipboard holding a 3000 × 2000 photo.
        await DispatchFilesAsync(ann.Page.Composer, "paste", ("photo.png", TestImages.Png(3000, 2000)));
        await Expect(ann.Page.Page.GetByTestId("attachment")).ToHaveCountAsync(1);
        await ann.Page.Composer.PressAsync("Enter");
        await Expect(bob.Page.Conversation.GetByRole(AriaRole.Button, new() { Name = "Open the image" })).ToHaveCountAsync(1);

        // Drop: two images at once onto the conversation, sent as two messages in order.
        await DispatchFilesAsync(ann.Page.Conversation, "drop", ("first.png", TestImages.Png(300, 200)), ("second.png", TestImages.Png(200, 300)));
        await Expect(ann.Page.Page.GetByTestId("attachment")).ToHaveCountAsync(2);
        await ann.Page.Composer.FillAsync("two photos");
        await ann.Page.Composer.PressAsync("Enter");
        await Expect(bob.Page.Conversation.GetByRole(AriaRole.Button, new() { Name = "Open the image" })).ToHaveCountAsync(3);
        await BrowserFixture.ScreenshotAsync(bob.Page.Page, "images");

        var history = await bob.Api.HistoryAsync(ann.Id);
        var images = history.Items.Where(m => m.Image is not null).ToList();
        Assert.Equal(3, images.Count);
        Assert.Equal((2048, 1365), (images[0].Image!.Width, images[0].Image!.Height)); // resized before upload
        Assert.Equal(((300, 200), "two photos"), ((images[1].Image!.Width, images[1].Image!.Height), images[1].Text));
        Assert.Equal(((200, 300), (string?)null), ((images[2].Image!.Width, images[2].Image!.Height), images[2].Text));
    }

    [Fact]
    public async Task A_message_elsewhere_counts_in_the_title_dots_the_icon_and_notifies_unless_the_conversation_is_muted()
    {
        var ann = await NewPersonAsync("Ann");
        var bob = await NewPersonAsync("Bob");
        var page = bob.Page.Page;
        await bob.Page.RecordNotificationsAsync(); // no conversation open

        await SendAsync(ann, bob, "Are you there?");
        await Expect(page).ToHaveTitleAsync("(1) Chat");
        await Expect(page.Locator("link[rel=icon]")).ToHaveAttributeAsync("data-unread", "true");
        await page.WaitForFunctionAsync("() => window.shown.length === 1");
        Assert.Equal(ann.Name, await page.EvaluateAsync<string>("() => window.shown[0].title"));
        Assert.Equal("Are you there?", await page.EvaluateAsync<string>("() => window.shown[0].body"));

        // Muted: no notification, not counted.
        await page.GotoAsync($"/#/c/{ann.Id}");
        await Expect(page).ToHaveTitleAsync("Chat"); // read
        await bob.Page.Conversation.GetByRole(AriaRole.Button, new() { Name = "Mute" }).ClickAsync();
        await page.GotoAsync("/#/");
        await SendAsync(ann, bob, "Hello?");
        await Expect(page.GetByTestId("conversation").Filter(new() { HasText = "Hello?" })).ToBeVisibleAsync();
        await Expect(page).ToHaveTitleAsync("Chat");
        Assert.Equal(1, await page.EvaluateAsync<int>("() => window.shown.length"));
    }

    // A ClipboardEvent or DragEvent carrying files, as the browser makes for a paste or a drop.
    private static Task DispatchFilesAsync(ILocator target, string type, params (string Name, byte[] Bytes)[] files) =>
        target.EvaluateAsync("""
            (element, { type, files }) => {
              const data = new DataTransfer();
              for (const f of files) data.items.add(new File([Uint8Array.from(atob(f.base64), c => c.charCodeAt(0))], f.name, { type: 'image/png' }));
              const event = type === 'paste'
                ? new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true })
                : new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true });
              if (type === 'drop') element.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
              element.dispatchEvent(event);
            }
            """, new { type, files = files.Select(f => new { name = f.Name, base64 = Convert.ToBase64String(f.Bytes) }).ToArray() });
}

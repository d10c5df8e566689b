using System.Text.RegularExpressions;
using System.Net.Http.Json;
using Chat.Tests.Cluster;
using Chat.Tests.Support;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Browser;

/// <summary>
/// The web client in a real browser against the whole cluster: people in separate browser
/// contexts, everything through the web front, as users would.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class WebClientTests(ClusterFixture cluster, BrowserFixture browsers) : IClassFixture<BrowserFixture>
{
    private static readonly TimeSpan PresenceTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Two_people_find_each_other_and_talk_live_through_reloads_and_an_outage()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var (annName, bobName) = ($"Ann {tag}", $"Bob {tag}");
        var ann = await NewPersonAsync();
        var bob = await NewPersonAsync();
        await ann.SignUpAsync(annName, ChatApiClient.NewEmail("ann"));
        await bob.SignUpAsync(bobName, ChatApiClient.NewEmail("bob"));

        // They find each other under People and see each other online.
        await ann.OpenConversationWithAsync(bobName);
        await Expect(ann.PersonRow(bobName).GetByTestId("online-dot")).ToBeVisibleAsync();
        await Expect(ann.PeerStatus).ToHaveTextAsync("online");
        await bob.OpenConversationWithAsync(annName);
        await Expect(bob.PeerStatus).ToHaveTextAsync("online");

        // Text goes live both ways; links open safely; markup in a message stays text.
        await ann.SendAsync("Hello Bob, the notes: https://example.com/notes");
        await Expect(bob.Message("Hello Bob")).ToBeVisibleAsync();
        var link = bob.Message("Hello Bob").GetByRole(AriaRole.Link);
        await Expect(link).ToHaveAttributeAsync("href", "https://example.com/notes");
        await Expect(link).ToHaveAttributeAsync("rel", "noopener noreferrer");
        await Expect(link).ToHaveAttributeAsync("target", "_blank");

        // Typing shows on the other side while Bob writes.
        await bob.Composer.PressSequentiallyAsync("Hi Ann <b>bold?</b>", new() { Delay = 30 });
        await Expect(ann.Page.GetByTestId("typing")).ToBeVisibleAsync();
        await bob.Composer.PressAsync("Enter");
        await Expect(ann.Message("Hi Ann <b>bold?</b>")).ToBeVisibleAsync();
        await Expect(ann.Message("Hi Ann").Locator("b")).ToHaveCountAsync(0);

        // Bob has the conversation open at the bottom, so he has read Ann's message: ✓✓ for Ann.
        await Expect(ann.Message("Hello Bob").GetByTestId("receipt")).ToHaveAttributeAsync("data-state", "read");
        await Expect(ann.Message("Hello Bob").GetByTestId("receipt")).ToHaveTextAsync("✓✓");

        // An image, laid out and shown live; it opens full size and Esc closes it.
        await ann.AttachAsync("landscape.png", TestImages.Png(400, 300), "image/png");
        await ann.Composer.PressAsync("Enter");
        var thumbnail = bob.Conversation.GetByRole(AriaRole.Button, new() { Name = "Open the image" });
        await Expect(thumbnail).ToBeVisibleAsync();
        await Expect(ann.Conversation.GetByRole(AriaRole.Button, new() { Name = "Open the image" })).ToBeVisibleAsync();
        await thumbnail.ClickAsync();
        var viewer = bob.Page.GetByRole(AriaRole.Dialog, new() { Name = "Image" });
        await Expect(viewer.GetByRole(AriaRole.Img)).ToBeVisibleAsync();
        await bob.Page.Keyboard.PressAsync("Escape");
        await Expect(viewer).ToBeHiddenAsync();

        await bob.Page.GetByLabel("Theme").SelectOptionAsync("dark");
        await Expect(bob.Page.Locator("html")).ToHaveAttributeAsync("data-theme", "dark");
        await BrowserFixture.ScreenshotAsync(ann.Page, "conversation-light");
        await BrowserFixture.ScreenshotAsync(bob.Page, "conversation-dark");

        // A reload keeps the conversation (session cookie, history from the server), each message once.
        await bob.Page.ReloadAsync();
        await Expect(bob.Message("Hello Bob")).ToHaveCountAsync(1);
        await Expect(bob.Message("Hi Ann")).ToHaveCountAsync(1);
        await Expect(bob.Page.Locator("html")).ToHaveAttributeAsync("data-theme", "dark");

        // Ann loses her connection: the banner shows, what she writes waits, and goes out once when she is back.
        await ann.Page.Context.SetOfflineAsync(true);
        await Expect(ann.Page.GetByTestId("connection-banner")).ToBeVisibleAsync();
        await ann.SendAsync("Written while offline");
        await Expect(ann.Message("Written while offline")).ToHaveAttributeAsync("data-status", "pending");
        await Expect(ann.PersonRow(bobName).GetByTestId("online-dot")).ToHaveCountAsync(0); // what she knew may be stale
        await BrowserFixture.ScreenshotAsync(ann.Page, "offline-outbox");
        await ann.Page.Context.SetOfflineAsync(false);
        await Expect(ann.Message("Written while offline")).ToHaveAttributeAsync("data-status", "sent");
        await Expect(bob.Message("Written while offline")).ToHaveCountAsync(1);
        await Expect(ann.Page.GetByTestId("connection-banner")).ToBeHiddenAsync();
        await Expect(ann.PersonRow(bobName).GetByTestId("online-dot")).ToBeVisibleAsync();
        await bob.Page.ReloadAsync();
        await Expect(bob.Message("Written while offline")).ToHaveCountAsync(1);

        // Bob closes his browser: Ann sees him go offline.
        await bob.Page.Context.CloseAsync();
        await Expect(ann.PeerStatus).ToHaveTextAsync(new Regex("^last seen"), new() { Timeout = (float)PresenceTimeout.TotalMilliseconds });
        await Expect(ann.PersonRow(bobName).GetByTestId("online-dot")).ToHaveCountAsync(0);
        await ann.Page.Context.CloseAsync();
    }

    [Fact]
    public async Task Sign_up_and_log_in_show_the_servers_own_words_next_to_the_fields()
    {
        var person = await NewPersonAsync();
        await person.Page.GetByRole(AriaRole.Tab, new() { Name = "Sign up" }).ClickAsync();
        await person.Page.GetByLabel("Full name").FillAsync("Cleo");
        await person.Page.GetByLabel("Email").FillAsync("not an address");
        await person.Page.GetByLabel("Password").FillAsync("short");
        await person.Page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Expect(person.Page.GetByLabel("Email")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(person.Page.GetByText("Email is not a valid address.")).ToBeVisibleAsync();
        await Expect(person.Page.GetByText(new Regex("^Password must be"))).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(person.Page, "sign-up-errors");

        // A taken address.
        using var api = ChatApiClient.For(cluster.WebEndpoint);
        var taken = await api.NewUserAsync("Taken");
        await person.Page.GetByLabel("Email").FillAsync(taken.Email);
        await person.Page.GetByLabel("Password").FillAsync("correct horse");
        await person.Page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Expect(person.Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("An account with this email exists");

        // A wrong password, then the right one; the session survives a reload.
        await person.Page.GetByRole(AriaRole.Tab, new() { Name = "Log in" }).ClickAsync();
        await person.Page.GetByLabel("Email").FillAsync(taken.Email);
        await person.Page.GetByLabel("Password").FillAsync("wrong password");
        await person.Page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).Last.ClickAsync();
        await Expect(person.Page.GetByRole(AriaRole.Alert)).ToBeVisibleAsync();
        await person.LogInAsync(taken.Email);
        await person.Page.ReloadAsync();
        await person.ExpectSignedInAsync();

        // Log out: back to the log-in page, also after a reload.
        await person.Page.GetByRole(AriaRole.Link, new() { NameRegex = new("^Your profile") }).ClickAsync();
        await person.Page.GetByRole(AriaRole.Button, new() { Name = "Log out", Exact = true }).ClickAsync();
        await Expect(person.Page.GetByRole(AriaRole.Form, new() { Name = "Log in" })).ToBeVisibleAsync();
        await person.Page.ReloadAsync();
        await Expect(person.Page.GetByRole(AriaRole.Form, new() { Name = "Log in" })).ToBeVisibleAsync();
        await person.Page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_refused_send_shows_failed_with_retry_and_discard_and_never_reaches_the_peer()
    {
        using var api = ChatApiClient.For(cluster.WebEndpoint);
        var peer = await api.NewUserAsync($"Peer {Guid.NewGuid():N}"[..13]);
        var person = await NewPersonAsync();
        await person.SignUpAsync("Dana", ChatApiClient.NewEmail("dana"));
        await person.Page.GotoAsync($"/#/c/{peer.Id}");
        await Expect(person.Conversation).ToBeVisibleAsync();

        // Not an image, whatever its name says: the server refuses the upload.
        await person.AttachAsync("holiday.png", TestImages.Text("just text"), "image/png");
        await person.Composer.FillAsync("look at this");
        await person.Composer.PressAsync("Enter");
        var failed = person.Message("look at this");
        await Expect(failed).ToHaveAttributeAsync("data-status", "failed");
        await Expect(failed.GetByRole(AriaRole.Alert)).ToContainTextAsync("Not sent");

        await failed.GetByRole(AriaRole.Button, new() { Name = "Retry" }).ClickAsync();
        await Expect(failed).ToHaveAttributeAsync("data-status", "failed");
        await failed.GetByRole(AriaRole.Button, new() { Name = "Discard" }).ClickAsync();
        await Expect(person.Messages).ToHaveCountAsync(0);
        Assert.Empty((await api.HistoryAsync(await MeAsync(person))).Items);
        await person.Page.Context.CloseAsync();
    }

    [Fact]
    public async Task History_pages_upward_without_moving_what_the_reader_sees_and_edits_and_deletes_show_live()
    {
        using var writer = ChatApiClient.For(cluster.WebEndpoint);
        using var reader = ChatApiClient.For(cluster.WebEndpoint);
        var author = await writer.NewUserAsync($"Writer {Guid.NewGuid():N}"[..14]);
        var email = ChatApiClient.NewEmail("reader");
        Assert.Equal(System.Net.HttpStatusCode.Created, (await reader.SignUpAsync(email, fullName: "Reader")).StatusCode);
        var me = await MeAsync(reader);
        for (var i = 1; i <= 120; i++) await writer.SendAsync(me, $"Line {i:D3}");

        var person = await NewPersonAsync();
        await person.LogInAsync(email);
        await person.Page.GotoAsync($"/#/c/{author.Id}");
        await Expect(person.Message("Line 120")).ToBeInViewportAsync();
        await Expect(person.Page.GetByTestId("unread-marker")).ToHaveCountAsync(1);
        await Expect(person.Messages).ToHaveCountAsync(50);

        // Scrolling to the top fetches the page before; the line that was at the top stays in view.
        var list = person.Page.GetByTestId("messages");
        await list.EvaluateAsync("el => el.scrollTop = 0");
        await Expect(person.Messages).ToHaveCountAsync(100);
        await Expect(person.Message("Line 071")).ToBeInViewportAsync();
        await Expect(person.Message("Line 021")).Not.ToBeInViewportAsync();
        await list.EvaluateAsync("el => el.scrollTop = 0");
        await Expect(person.Messages).ToHaveCountAsync(120);
        await Expect(person.Page.GetByText(new Regex("^This is the beginning"))).ToBeVisibleAsync();

        // The author edits and deletes (through the API, as another device would): the reader sees both live.
        var history = await writer.HistoryAsync(me, "limit=1");
        var last = history.Items.Single();
        Assert.True((await writer.Http.PatchAsJsonAsync($"/api/messages/{last.Id}", new { text = "Line 120 (edited)" })).IsSuccessStatusCode);
        await Expect(person.Message("Line 120 (edited)")).ToContainTextAsync("edited ·");
        Assert.True((await writer.Http.DeleteAsync($"/api/messages/{last.Id}")).IsSuccessStatusCode);
        await Expect(person.Messages.Last).ToContainTextAsync("This message was deleted.");
        await person.Page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_sender_edits_and_deletes_their_own_message_in_place()
    {
        using var api = ChatApiClient.For(cluster.WebEndpoint);
        var peer = await api.NewUserAsync("Edna");
        var person = await NewPersonAsync();
        await person.SignUpAsync("Ezra", ChatApiClient.NewEmail("ezra"));
        await person.Page.GotoAsync($"/#/c/{peer.Id}");
        await person.SendAsync("teh first draft");
        var message = person.Message("teh first draft");
        await Expect(message).ToHaveAttributeAsync("data-status", "sent");

        await message.HoverAsync();
        await message.GetByRole(AriaRole.Button, new() { Name = "Edit" }).ClickAsync();
        var editor = person.Page.GetByLabel("Edit message");
        await editor.FillAsync("the first draft");
        await editor.PressAsync("Enter");
        await Expect(person.Message("the first draft")).ToContainTextAsync("edited ·");

        message = person.Message("the first draft");
        await message.HoverAsync();
        await message.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await message.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync(); // "Delete for everyone?"
        await Expect(person.Messages.Last).ToContainTextAsync("This message was deleted.");
        var stored = (await api.HistoryAsync(await MeAsync(person))).Items.Single();
        Assert.True(stored.Deleted);
        await person.Page.Context.CloseAsync();
    }

    [Fact]
    public async Task Profile_changes_show_at_once_and_log_out_everywhere_signs_out_the_other_browser()
    {
        var email = ChatApiClient.NewEmail("fay");
        var laptop = await NewPersonAsync();
        await laptop.SignUpAsync("Fay", email);
        var phone = await NewPersonAsync();
        await phone.LogInAsync(email);

        await laptop.Page.GetByRole(AriaRole.Link, new() { NameRegex = new("^Your profile") }).ClickAsync();
        await laptop.Page.GetByLabel("Full name").FillAsync("Fay Hart");
        await laptop.Page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(laptop.Page.GetByRole(AriaRole.Link, new() { Name = "Your profile: Fay Hart" })).ToBeVisibleAsync();
        await laptop.Page.GetByLabel("Change photo").SetInputFilesAsync(new FilePayload
        {
            Name = "me.jpg", MimeType = "image/jpeg", Buffer = TestImages.Jpeg(300, 300),
        });
        await Expect(laptop.Page.Locator(".topbar .avatar img")).ToHaveAttributeAsync("src", new Regex("^/media/"));
        await BrowserFixture.ScreenshotAsync(laptop.Page, "profile");

        // The phone's open connection is closed by the server and its session is gone: back to log-in.
        await laptop.Page.GetByRole(AriaRole.Button, new() { Name = "Log out everywhere" }).ClickAsync();
        await Expect(laptop.Page.GetByRole(AriaRole.Form, new() { Name = "Log in" })).ToBeVisibleAsync();
        await Expect(phone.Page.GetByRole(AriaRole.Form, new() { Name = "Log in" })).ToBeVisibleAsync();
        await laptop.Page.Context.CloseAsync();
        await phone.Page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_main_screens_have_no_serious_accessibility_violations()
    {
        var person = await NewPersonAsync();
        await AssertAccessibleAsync(person.Page, "log-in");
        await person.SignUpAsync("Gil", ChatApiClient.NewEmail("gil"));
        using var api = ChatApiClient.For(cluster.WebEndpoint);
        var peer = await api.NewUserAsync("Hana");
        await api.SendAsync(await MeAsync(person), "Hello Gil, see https://example.com");
        await person.Page.GotoAsync($"/#/c/{peer.Id}");
        await person.SendAsync("Hi Hana");
        await Expect(person.Message("Hi Hana")).ToHaveAttributeAsync("data-status", "sent");
        await AssertAccessibleAsync(person.Page, "conversation");
        await person.Page.GetByLabel("Theme").SelectOptionAsync("dark");
        await AssertAccessibleAsync(person.Page, "conversation, dark");
        await person.Page.GotoAsync("/#/profile");
        await AssertAccessibleAsync(person.Page, "profile");
        await person.Page.Context.CloseAsync();
    }

    /// <summary>axe-core's rules (contrast, names, roles, structure) on the page as it is now.</summary>
    private static async Task AssertAccessibleAsync(IPage page, string screen)
    {
        var result = await page.RunAxe();
        var serious = result.Violations
            .Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{screen}: {v.Id} ({v.Impact}) {v.Help}: {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))}")
            .ToList();
        Assert.True(serious.Count == 0, string.Join(Environment.NewLine, serious));
    }

    private async Task<ChatPage> NewPersonAsync() => new(await browsers.NewPersonAsync(cluster.WebEndpoint));

    private static async Task<string> MeAsync(ChatPage person) =>
        (await person.Page.EvaluateAsync<string>("() => fetch('/api/auth/me').then(r => r.json()).then(u => u.id)"));

    private static async Task<string> MeAsync(ChatApiClient client) =>
        (await client.Http.GetFromJsonAsync<UserDto>("/api/auth/me", ChatApiClient.Json))!.Id;
}

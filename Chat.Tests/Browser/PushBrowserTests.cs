using Chat.LoadTest.Push;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.Tests.Cluster;
using Chat.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Browser;

/// <summary>
/// The installable app in Chromium: the service worker registers, the manifest makes it
/// installable, the shell opens with the network off (with the outbox kept across the reload and
/// sent once back), a push delivered to the service worker (DevTools' ServiceWorker.deliverPushMessage)
/// shows the preview it fetched, collapsed per conversation, and its click opens the conversation.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class PushBrowserTests(ClusterFixture cluster, BrowserFixture browsers) : IClassFixture<BrowserFixture>
{
    private Task<BrowserPerson> NewPersonAsync(string first) => BrowserPerson.SignUpAsync(cluster, browsers, first);

    private static async Task<MessageDto> SendAsync(ChatApiClient from, string peerId, string text)
    {
        var (response, message) = await from.SendAsync(peerId, text);
        using (response) response.EnsureSuccessStatusCode();
        return message!;
    }

    /// <summary>Waits until the service worker controls the page (it claims its clients once active).</summary>
    private static async Task ServiceWorkerControlsAsync(IPage page)
    {
        await page.EvaluateAsync("async () => { await navigator.serviceWorker.ready; }");
        await page.WaitForFunctionAsync("() => navigator.serviceWorker.controller !== null");
    }

    private async Task<ChatApiClient> NewPeerAsync(string name)
    {
        var api = ChatApiClient.For(cluster.ApiReplicas[1]);
        await api.NewUserAsync(name);
        return api;
    }

    [Fact]
    public async Task The_app_is_installable_and_opens_offline_with_its_outbox_which_goes_out_once_back_online()
    {
        var ann = await NewPersonAsync("Ann");
        using var ben = await NewPeerAsync("Ben Offline");
        var benId = (await ben.Http.GetFromJsonAsync<UserDto>("/api/auth/me", ChatApiClient.Json))!.Id;
        await SendAsync(ben, ann.Id, "Are you on the train?");
        var page = ann.Page.Page;
        await ServiceWorkerControlsAsync(page);

        // Installable as Chromium judges it, from a manifest with the icons and standalone display.
        var cdp = await page.Context.NewCDPSessionAsync(page);
        var installability = await cdp.SendAsync("Page.getInstallabilityErrors");
        // (Playwright's contexts are incognito profiles, where Chromium never offers to install.)
        var errors = installability!.Value.GetProperty("installabilityErrors").EnumerateArray().Select(e => e.GetProperty("errorId").GetString()).ToList();
        Assert.Equal(["in-incognito"], errors);
        var manifestResponse = await page.APIRequest.GetAsync("/manifest.webmanifest");
        Assert.Contains("manifest+json", manifestResponse.Headers["content-type"]);
        var manifest = await manifestResponse.JsonAsync();
        Assert.Equal(("Chat", "standalone"), (manifest!.Value.GetProperty("name").GetString(), manifest.Value.GetProperty("display").GetString()));
        Assert.Equal(["192x192", "512x512", "512x512"], manifest.Value.GetProperty("icons").EnumerateArray().Select(i => i.GetProperty("sizes").GetString()));

        // The network goes: a message written now waits in the outbox, and survives a reload.
        await page.GotoAsync($"/#/c/{benId}");
        await Expect(ann.Page.Message("Are you on the train?")).ToBeVisibleAsync();
        await page.Context.SetOfflineAsync(true);
        await Expect(page.GetByTestId("connection-banner")).ToHaveAttributeAsync("data-state", "offline");
        await ann.Page.SendAsync("Yes, tunnel ahead");
        await Expect(ann.Page.Message("Yes, tunnel ahead")).ToBeVisibleAsync();
        await page.WaitForTimeoutAsync(600); // the offline copy is written a moment after a change
        await page.ReloadAsync();

        // The shell came from the service worker; the list and the waiting message from this browser's copy.
        await Expect(ann.Page.Message("Yes, tunnel ahead")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { NameRegex = new("Ben Offline") }).First).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "offline-outbox");

        await page.Context.SetOfflineAsync(false);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        List<MessageDto> sent;
        do
        {
            await Task.Delay(250);
            sent = (await ben.HistoryAsync(ann.Id)).Items.Where(m => m.Text == "Yes, tunnel ahead").ToList();
        } while (sent.Count == 0 && DateTime.UtcNow < deadline);
        Assert.Single(sent);
        await Expect(page.GetByTestId("connection-banner")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_push_shows_the_preview_it_fetched_collapses_per_conversation_and_its_click_opens_the_conversation()
    {
        var ann = await NewPersonAsync("Ann");
        using var ben = await NewPeerAsync("Ben Pushes");
        var benId = (await ben.Http.GetFromJsonAsync<UserDto>("/api/auth/me", ChatApiClient.Json))!.Id;
        var page = ann.Page.Page;
        await page.Context.GrantPermissionsAsync(["notifications"]);
        await ServiceWorkerControlsAsync(page);
        var cdp = await page.Context.NewCDPSessionAsync(page);
        var registration = new TaskCompletionSource<string>();
        cdp.Event("ServiceWorker.workerRegistrationUpdated").OnEvent += (_, e) =>
        {
            foreach (var r in e!.Value.GetProperty("registrations").EnumerateArray().Where(r => !r.GetProperty("isDeleted").GetBoolean()))
            {
                registration.TrySetResult(r.GetProperty("registrationId").GetString()!);
            }
        };
        await cdp.SendAsync("ServiceWorker.enable");
        var registrationId = await registration.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var origin = cluster.WebEndpoint.GetLeftPart(UriPartial.Authority);

        await using var worker = await ServiceWorkerConsole.AttachAsync(browsers.Browser, origin);

        // Chat is closed on this device (the tab shows another site): a push is all there is.
        await page.GotoAsync("about:blank");
        var first = await SendAsync(ben, ann.Id, "Lunch at noon?");
        await DeliverAsync(cdp, origin, registrationId, first);
        var shown = await NotificationsAsync(worker, 1);
        Assert.Equal(("Ben Pushes", "Lunch at noon?", first.ConversationId), (shown[0].Title, shown[0].Body, shown[0].Tag));
        Assert.EndsWith($"/#/c/{benId}", shown[0].Url);

        // A second message replaces the first notification, counting.
        var second = await SendAsync(ben, ann.Id, "Or one?");
        await DeliverAsync(cdp, origin, registrationId, second);
        await Task.Delay(500);
        shown = await NotificationsAsync(worker, 1);
        Assert.Equal(("Ben Pushes", "2 new messages"), (shown[0].Title, shown[0].Body));

        // Back in Chat, a click on the notification opens that conversation in this tab. (The
        // click is the worker's own handler run on a synthetic event: no browser can click here.)
        await page.GotoAsync("/#/");
        await ServiceWorkerControlsAsync(page);
        await worker.EvaluateAsync("""
            (async () => {
              const [notification] = await self.registration.getNotifications();
              self.dispatchEvent(new NotificationEvent('notificationclick', { notification }));
            })()
            """);
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"#/c/{benId}$"));
        await Expect(ann.Page.Message("Or one?")).ToBeVisibleAsync();
        Assert.Empty(await NotificationsAsync(worker, 0));

        // A device signed out meanwhile learns nothing: a plain "New message".
        await page.Context.ClearCookiesAsync();
        await page.GotoAsync("about:blank");
        await DeliverAsync(cdp, origin, registrationId, await SendAsync(ben, ann.Id, "Secret plans"));
        shown = await NotificationsAsync(worker, 1);
        Assert.Equal(("Chat", "New message"), (shown[0].Title, shown[0].Body));
    }

    [Fact]
    public async Task The_profile_lists_the_devices_that_receive_pushes_and_a_mute_set_in_one_browser_holds_in_another()
    {
        var ann = await NewPersonAsync("Ann");
        using var ben = await NewPeerAsync("Ben Devices");
        var benId = (await ben.Http.GetFromJsonAsync<UserDto>("/api/auth/me", ChatApiClient.Json))!.Id;
        await SendAsync(ben, ann.Id, "Hello Ann");
        var page = ann.Page.Page;

        // This browser's session and Ann's other one (the API's) each have a device.
        var session = (await page.Context.CookiesAsync()).Single(c => c.Name == "chat_session").Value;
        using var thisBrowser = ChatApiClient.For(cluster.ApiReplicas[0]).WithSession(session);
        thisBrowser.Http.DefaultRequestHeaders.UserAgent.ParseAdd(await page.EvaluateAsync<string>("navigator.userAgent"));
        using var keys = new PushReceiver();
        Assert.Equal(System.Net.HttpStatusCode.NoContent, await thisBrowser.SubscribeAsync(cluster.PushService.NewEndpoint(), keys));
        Assert.Equal(System.Net.HttpStatusCode.NoContent, await ann.Api.SubscribeAsync(cluster.PushService.NewEndpoint(), keys));

        await page.GotoAsync("/#/profile");
        var devices = page.GetByTestId("push-devices").GetByRole(AriaRole.Listitem);
        await Expect(devices).ToHaveCountAsync(2);
        await Expect(devices.Filter(new() { HasText = "(this device)" })).ToContainTextAsync("Chrome on Linux");
        await devices.Filter(new() { HasNotText = "(this device)" }).GetByRole(AriaRole.Button, new() { Name = "Turn off" }).ClickAsync();
        await Expect(devices).ToHaveCountAsync(1);
        Assert.Single(await ann.Api.PushDevicesAsync());

        // Muted here, muted in Ann's other browser too (and on the server, so no push either).
        await ann.Page.OpenConversationWithAsync("Ben Devices");
        await ann.Page.Conversation.GetByRole(AriaRole.Button, new() { Name = "Mute" }).ClickAsync();
        await Expect(ann.Page.Conversation.GetByRole(AriaRole.Button, new() { Name = "Unmute" })).ToBeVisibleAsync();
        var other = new ChatPage(await browsers.NewPersonAsync(cluster.WebEndpoint));
        await other.LogInAsync(ann.Email);
        await other.Page.GotoAsync($"/#/c/{benId}");
        await Expect(other.Conversation.GetByRole(AriaRole.Button, new() { Name = "Unmute" })).ToBeVisibleAsync();
        Assert.True((await ann.Api.AllConversationsAsync()).Single(c => c.Peer?.Id == benId).Muted);
    }

    private static Task DeliverAsync(ICDPSession cdp, string origin, string registrationId, MessageDto message) =>
        cdp.SendAsync("ServiceWorker.deliverPushMessage", new Dictionary<string, object>
        {
            ["origin"] = origin,
            ["registrationId"] = registrationId,
            // What the browser hands the worker once it has decrypted the push: ids, no text.
            ["data"] = JsonSerializer.Serialize(new { conversationId = message.ConversationId, seq = message.Seq, kind = "message" }),
        });

    private sealed record Shown(string Title, string Body, string Tag, string Url);

    /// <summary>The notifications the worker shows now, once there are <paramref name="count"/> (or after 10 s).</summary>
    private static async Task<List<Shown>> NotificationsAsync(ServiceWorkerConsole worker, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        List<Shown> shown;
        do
        {
            shown = JsonSerializer.Deserialize<List<Shown>>(await worker.EvaluateAsync("""
                (async () => JSON.stringify((await self.registration.getNotifications()).map(n => ({ title: n.title, body: n.body, tag: n.tag, url: n.data?.url ?? '' }))))()
                """), ChatApiClient.Json)!;
            if (shown.Count == count) return shown;
            await Task.Delay(100);
        } while (DateTime.UtcNow < deadline);
        return shown;
    }
}

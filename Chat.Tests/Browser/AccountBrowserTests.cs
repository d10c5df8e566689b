using Chat.Tests.Cluster;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Browser;

/// <summary>
/// The profile's account pages in Chromium: the devices signed in (one signed out from another),
/// the password change, the privacy choices and the message requests they make.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class AccountBrowserTests(ClusterFixture cluster, BrowserFixture browsers) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task The_profile_signs_another_device_out_at_once_and_changes_the_password()
    {
        var ann = await BrowserPerson.SignUpAsync(cluster, browsers, "Ann");
        var phone = new ChatPage(await browsers.NewPersonAsync(cluster.WebEndpoint));
        await phone.LogInAsync(ann.Email);

        var page = ann.Page.Page;
        await page.GotoAsync("/#/profile");
        // This browser, the other one, and the API client Ann signed up with.
        var devices = page.GetByTestId("signed-in-devices").GetByRole(AriaRole.Listitem);
        await Expect(devices).ToHaveCountAsync(3);
        await Expect(devices.Filter(new() { HasText = "(this device)" })).ToContainTextAsync("Chrome on Linux");
        await BrowserFixture.ScreenshotAsync(page, "profile-devices");

        // The other browser is signed out at once: its live connection closes and it shows the log-in page.
        await devices.Filter(new() { HasText = "Chrome on Linux" }).Filter(new() { HasNotText = "(this device)" })
            .GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(devices).ToHaveCountAsync(2);
        await Expect(phone.Page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).Last).ToBeVisibleAsync(new() { Timeout = 20_000 });

        // A common password is refused with the server's words; a good one is taken.
        await page.GetByLabel("Current password").FillAsync("correct horse");
        await page.GetByLabel("New password").FillAsync("password123");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "most common" })).ToBeVisibleAsync();
        await page.GetByLabel("New password").FillAsync("a much better secret");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Password changed" })).ToBeVisibleAsync();

        // Still signed in here after a reload; the new password logs in elsewhere.
        await page.ReloadAsync();
        await ann.Page.ExpectSignedInAsync();
        await phone.Page.ReloadAsync();
        await phone.LogInAsync(ann.Email, "a much better secret");
    }

    [Fact]
    public async Task Privacy_choices_are_kept_and_a_strangers_first_message_waits_under_requests_until_accepted_or_deleted()
    {
        var ann = await BrowserPerson.SignUpAsync(cluster, browsers, "Ann");
        var page = ann.Page.Page;
        await page.GotoAsync("/#/profile");
        await page.GetByLabel("Who can message me").SelectOptionAsync("conversations");
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Saved." })).ToBeVisibleAsync();
        await page.GetByLabel("Who sees when I am online").SelectOptionAsync("nobody");
        await page.GetByLabel("Read receipts").UncheckAsync();
        await Expect(page.GetByLabel("Read receipts")).Not.ToBeCheckedAsync();
        await BrowserFixture.ScreenshotAsync(page, "profile-privacy");
        await page.ReloadAsync();
        await Expect(page.GetByLabel("Who can message me")).ToHaveValueAsync("conversations");
        await Expect(page.GetByLabel("Who sees when I am online")).ToHaveValueAsync("nobody");
        await Expect(page.GetByLabel("Read receipts")).Not.ToBeCheckedAsync();
        Assert.Equal(new PrivacyDto(false, "nobody", "conversations"), await ann.Api.PrivacyAsync());

        // Ben's first message arrives live, under Requests; accepted, it is a conversation.
        await page.GotoAsync("/#/");
        using var ben = await ReplicaPerson.SignUpAsync(cluster, $"Ben {Guid.NewGuid():N}"[..11]);
        var (benSent, _) = await ben.OnA.SendAsync(ann.Id, "hello from a stranger");
        using (benSent) benSent.EnsureSuccessStatusCode();
        var requests = page.GetByTestId("requests").GetByRole(AriaRole.Listitem);
        await Expect(requests).ToHaveCountAsync(1);
        await requests.First.ClickAsync();
        var notice = page.GetByTestId("request-notice");
        await Expect(notice).ToContainTextAsync("not in your conversations");
        await BrowserFixture.ScreenshotAsync(page, "message-request");
        await notice.GetByRole(AriaRole.Button, new() { Name = "Accept" }).ClickAsync();
        await Expect(notice).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("requests")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("conversations").GetByRole(AriaRole.Listitem).Filter(new() { HasText = ben.User.FullName })).ToHaveCountAsync(1);

        // Cat's is deleted: gone from the list, and Cat is not told.
        using var cat = await ReplicaPerson.SignUpAsync(cluster, $"Cat {Guid.NewGuid():N}"[..11]);
        var (catSent, _) = await cat.OnB.SendAsync(ann.Id, "buy my course");
        using (catSent) catSent.EnsureSuccessStatusCode();
        await Expect(requests).ToHaveCountAsync(1);
        await requests.First.ClickAsync();
        await notice.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Expect(page.GetByTestId("requests")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("conversations").GetByRole(AriaRole.Listitem).Filter(new() { HasText = cat.User.FullName })).ToHaveCountAsync(0);
        Assert.Single(await cat.OnA.ConversationsAsync());
    }

    [Fact]
    public async Task Deleting_the_account_from_the_profile_signs_out_and_leaves_Deleted_account_in_the_peers_list()
    {
        var ann = await BrowserPerson.SignUpAsync(cluster, browsers, "Ann");
        using var ben = await ReplicaPerson.SignUpAsync(cluster, $"Ben {Guid.NewGuid():N}"[..11]);
        var (sent, _) = await ann.Api.SendAsync(ben.Id, "bye for now");
        using (sent) sent.EnsureSuccessStatusCode();
        var page = ann.Page.Page;
        await page.GotoAsync("/#/profile");
        page.Dialog += (_, dialog) => _ = dialog.AcceptAsync();

        await page.Locator("#delete-password").FillAsync("wrong password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete my account" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not right");
        await page.Locator("#delete-password").FillAsync("correct horse");
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete my account" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).Last).ToBeVisibleAsync(new() { Timeout = 20_000 });

        var listed = (await ben.OnA.ConversationsAsync()).Single(c => c.Peer.Id == ann.Id);
        Assert.Equal("Deleted account", listed.Peer.FullName);
        Assert.True(listed.LastMessage!.Deleted);
    }

    [Fact]
    public async Task The_profile_prepares_a_download_of_my_data_with_progress_and_hands_over_the_zip()
    {
        var ann = await BrowserPerson.SignUpAsync(cluster, browsers, "Ann");
        var page = ann.Page.Page;
        await page.GotoAsync("/#/profile");
        await page.GetByRole(AriaRole.Button, new() { Name = "Prepare a download of my data" }).ClickAsync();
        var link = page.GetByTestId("export-download");
        await Expect(link).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await BrowserFixture.ScreenshotAsync(page, "profile-export");

        var download = await page.RunAndWaitForDownloadAsync(() => link.ClickAsync());
        Assert.EndsWith(".zip", download.SuggestedFilename);
        await using var zip = await download.CreateReadStreamAsync();
        var header = new byte[2];
        await zip.ReadExactlyAsync(header);
        Assert.Equal("PK"u8.ToArray(), header);
    }
}

using Chat.Tests.Cluster;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Browser;

/// <summary>The profile's account pages in Chromium: the devices signed in (one signed out from another), the password change.</summary>
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
}

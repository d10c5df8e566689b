using Chat.Tests.Support;
using Microsoft.Playwright;

namespace Chat.Tests.Browser;

/// <summary>
/// Debian's Chromium driven by Playwright (which cannot download its own browsers here), one
/// per test class; each simulated person gets their own browser context (own cookies).
/// Screenshots go to TestResults/screenshots as test artefacts.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public static string ScreenshotDirectory { get; } = Path.Combine(RepositoryPaths.Root, "TestResults", "screenshots");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"No Chromium at {ChromiumPath}: run ./eng/install-prerequisites --browser.");
        }
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // No sandbox (containers without user namespaces), no GPU, no background traffic.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"],
        });
        Directory.CreateDirectory(ScreenshotDirectory);
    }

    /// <summary>A fresh browser profile (cookies, storage) at the web front, as one person's browser.</summary>
    public async Task<IPage> NewPersonAsync(Uri webFront)
    {
        var context = await Browser.NewContextAsync(new()
        {
            BaseURL = webFront.ToString(),
            ViewportSize = new() { Width = 1100, Height = 720 },
            Locale = "en-GB",
            TimezoneId = "UTC",
        });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        return page;
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDirectory, $"{name}.png") });

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
    }
}

using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Browser;

/// <summary>What a person does in the web client, by the labels a screen reader would announce.</summary>
public sealed class ChatPage(IPage page)
{
    public IPage Page { get; } = page;

    public async Task SignUpAsync(string fullName, string email, string password = "correct horse")
    {
        await Page.GetByRole(AriaRole.Tab, new() { Name = "Sign up" }).ClickAsync();
        await Page.GetByLabel("Full name").FillAsync(fullName);
        await Page.GetByLabel("Email").FillAsync(email);
        await Page.GetByLabel("Password").FillAsync(password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await ExpectSignedInAsync();
    }

    public async Task LogInAsync(string email, string password = "correct horse")
    {
        await Page.GetByLabel("Email").FillAsync(email);
        await Page.GetByLabel("Password").FillAsync(password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).Last.ClickAsync();
        await ExpectSignedInAsync();
    }

    public Task ExpectSignedInAsync() =>
        Expect(Page.GetByRole(AriaRole.Navigation, new() { Name = "Conversations and people" })).ToBeVisibleAsync();

    /// <summary>Finds someone under People by name and opens the conversation with them.</summary>
    public async Task OpenConversationWithAsync(string fullName)
    {
        await Page.GetByLabel("Search people").FillAsync(fullName);
        await PersonRow(fullName).ClickAsync();
        await Expect(Conversation).ToBeVisibleAsync();
    }

    public ILocator PersonRow(string fullName) =>
        Page.GetByTestId("people").GetByRole(AriaRole.Link).Filter(new() { HasText = fullName });

    public ILocator Conversation => Page.GetByRole(AriaRole.Region, new() { NameRegex = new("^Conversation with") });

    public ILocator Composer => Conversation.GetByRole(AriaRole.Textbox, new() { NameRegex = new("^Message ") });

    public ILocator Messages => Page.GetByTestId("message");

    public ILocator Message(string text) => Messages.Filter(new() { HasText = text });

    public ILocator PeerStatus => Page.GetByTestId("peer-status");

    public async Task SendAsync(string text)
    {
        await Composer.FillAsync(text);
        await Composer.PressAsync("Enter");
    }

    /// <summary>
    /// Notifications allowed and turned on in the profile, each one recorded in
    /// <c>window.shown</c> (what the browser would show); back on the conversation list after.
    /// </summary>
    public async Task RecordNotificationsAsync()
    {
        await Page.Context.GrantPermissionsAsync(["notifications"]);
        await Page.EvaluateAsync("""
            () => {
              window.shown = [];
              const Real = window.Notification;
              window.Notification = class extends Real { constructor(title, options) { super(title, options); window.shown.push({ title, body: options.body }); } };
              Object.defineProperty(window.Notification, 'permission', { get: () => Real.permission });
            }
            """);
        await Page.GotoAsync("/#/profile");
        await Page.GetByLabel("Show a notification when a message arrives while I look elsewhere").CheckAsync();
        await Page.GotoAsync("/#/");
    }

    public async Task AttachAsync(string fileName, byte[] bytes, string mimeType)
    {
        await Page.GetByTestId("attach-input").SetInputFilesAsync(new FilePayload { Name = fileName, MimeType = mimeType, Buffer = bytes });
        await Expect(Page.GetByText(fileName)).ToBeVisibleAsync();
    }
}

namespace Chat.Api.Identity;

/// <summary>
/// A device as people name it ("Chrome on Linux"), from the User-Agent a browser sends. Coarse on
/// purpose: enough to tell one's own devices apart, nothing that fingerprints them.
/// </summary>
public static class DeviceNames
{
    public const int MaxUserAgentLength = 512;

    // Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari", Android also says "Linux".
    private static readonly (string Token, string Name)[] Browsers =
        [("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Chromium/", "Chromium"), ("Safari/", "Safari")];

    private static readonly (string Token, string Name)[] Systems =
        [("Android", "Android"), ("iPhone", "iOS"), ("iPad", "iPadOS"), ("Windows", "Windows"), ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux")];

    public static string Describe(string? userAgent)
    {
        var agent = userAgent is { Length: <= MaxUserAgentLength } ? userAgent : "";
        var browser = Browsers.FirstOrDefault(b => agent.Contains(b.Token, StringComparison.Ordinal)).Name ?? "A browser";
        var system = Systems.FirstOrDefault(s => agent.Contains(s.Token, StringComparison.Ordinal)).Name;
        return system is null ? browser : $"{browser} on {system}";
    }
}

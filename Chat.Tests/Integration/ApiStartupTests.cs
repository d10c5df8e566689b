using System.Diagnostics;
using Chat.Tests.Support;

namespace Chat.Tests.Integration;

/// <summary>
/// A bad setting stops an API replica at boot with a message naming it, instead of failing at
/// first use: the built API is started as a process with one setting wrong.
/// </summary>
public class ApiStartupTests
{
    private static readonly Dictionary<string, string> ValidSettings = new()
    {
        // Nothing listens on these: a replica that got as far as using them would hang, not exit.
        ["ConnectionStrings__chatdb"] = "mongodb://127.0.0.1:9/chat?directConnection=true",
        ["ConnectionStrings__redis"] = "127.0.0.1:9,abortConnect=false",
        ["Auth__SigningKey"] = new string('k', 64),
        ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
    };

    [Theory]
    [InlineData("Auth__SigningKey", "short", "Auth:SigningKey must be at least 32 characters")]
    [InlineData("Auth__SigningKey", "", "Auth:SigningKey must be set")]
    [InlineData("Presence__Heartbeat", "00:01:00", "Presence:Heartbeat (00:01:00) must be positive and shorter than Presence:Expiry")]
    [InlineData("Media__MaxUploadBytes", "10", "Media:MaxUploadBytes must be 64 KB to 100 MB")]
    [InlineData("CLOUDINARY_URL", "https://example.com", "CLOUDINARY_URL must look like cloudinary://api_key:api_secret@cloud_name")]
    public async Task A_bad_setting_stops_the_replica_at_start_with_a_message_naming_it(string name, string value, string message)
    {
        var (exitCode, output) = await RunApiAsync(new Dictionary<string, string>(ValidSettings) { [name] = value });

        Assert.NotEqual(0, exitCode);
        Assert.Contains(message, output);
    }

    private static async Task<(int ExitCode, string Output)> RunApiAsync(Dictionary<string, string> environment)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var start = new ProcessStartInfo("dotnet", [Path.Combine(RepositoryPaths.Root, "Chat.Api", "bin", configuration, "net10.0", "Chat.Api.dll")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.Combine(RepositoryPaths.Root, "Chat.Api"),
        };
        foreach (var (key, value) in environment) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("The API did not stop within 60 s: the bad setting was not caught at start.");
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}

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

    [Fact]
    public async Task A_replica_whose_mongodb_and_redis_answer_late_starts_reports_unhealthy_then_serves_once_they_do()
    {
        // Nothing orders the start-up in the cloud: the replica may come up before its stores.
        var (mongoPort, redisPort, apiPort) = (MongoStandInProcess.FreePort(), MongoStandInProcess.FreePort(), MongoStandInProcess.FreePort());
        // The stores' ports are held until the stores start, so no other process of the suite takes them meanwhile.
        var held = new[] { mongoPort, redisPort }.Select(port => new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port)).ToList();
        held.ForEach(listener => listener.Start());
        using var api = StartApi(new Dictionary<string, string>(ValidSettings)
        {
            ["ConnectionStrings__chatdb"] = $"mongodb://127.0.0.1:{mongoPort}/late?directConnection=true",
            ["ConnectionStrings__redis"] = $"127.0.0.1:{redisPort},abortConnect=false",
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{apiPort}",
        });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort}"), Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            await WaitForStatusAsync(http, "/alive", System.Net.HttpStatusCode.OK, TimeSpan.FromSeconds(60));
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/health")).StatusCode);

            held.ForEach(listener => listener.Stop());
            using var redis = Process.Start(new ProcessStartInfo("redis-server", ["--port", redisPort.ToString(), "--bind", "127.0.0.1", "--save", "", "--logfile", "/dev/null"]))!;
            await using var mongo = await MongoStandInProcess.StartAsync(mongoPort);
            try
            {
                await WaitForStatusAsync(http, "/health", System.Net.HttpStatusCode.OK, TimeSpan.FromSeconds(60));
            }
            finally
            {
                redis.Kill();
            }
        }
        finally
        {
            held.ForEach(listener => listener.Stop());
            api.Kill(entireProcessTree: true);
        }
    }

    private static async Task WaitForStatusAsync(HttpClient http, string path, System.Net.HttpStatusCode status, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = "";
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(path);
                if (response.StatusCode == status) return;
                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{path} did not answer {status} within {timeout}; last: {last}");
            await Task.Delay(250);
        }
    }

    // The built API, as its own process, with these settings.
    private static ProcessStartInfo ApiStartInfo(Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet", [RepositoryPaths.BuiltAssembly("Chat.Api")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.Combine(RepositoryPaths.Root, "Chat.Api"),
        };
        foreach (var (key, value) in environment) start.Environment[key] = value;
        return start;
    }

    private static Process StartApi(Dictionary<string, string> environment)
    {
        var process = Process.Start(ApiStartInfo(environment))!;
        // Drained, so a chatty replica never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<(int ExitCode, string Output)> RunApiAsync(Dictionary<string, string> environment)
    {
        using var process = Process.Start(ApiStartInfo(environment))!;
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

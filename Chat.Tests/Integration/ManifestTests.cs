using System.Diagnostics;
using System.Text.Json.Nodes;
using Chat.Tests.Support;

namespace Chat.Tests.Integration;

/// <summary>
/// The manifest azd deploys from (`dotnet run --project Chat.AppHost -- --publisher manifest
/// --output-path ...`), published by the built AppHost and checked as azd would need it.
/// </summary>
public class ManifestTests
{
    private const string Sentinel = "SENTINEL-7f3a";

    [Fact]
    public async Task The_manifest_holds_only_what_azd_deploys_with_every_secret_a_parameter()
    {
        var (manifest, text) = await PublishAsync(new()
        {
            // Secrets a developer has locally must never reach the file.
            ["CLOUDINARY_URL"] = $"cloudinary://{Sentinel}:{Sentinel}@demo",
            ["Parameters__auth-signing-key"] = Sentinel + new string('k', 64),
            ["ConnectionStrings__chatdb"] = $"mongodb://{Sentinel}/chat",
            ["ConnectionStrings__redis"] = $"{Sentinel}:6379",
        });
        var resources = manifest["resources"]!.AsObject();

        Assert.DoesNotContain(Sentinel, text);
        Assert.Equal(
            ["api", "auth-signing-key", "chatdb", "cloudinary-url", "front-key", "push-vapid-key", "redis", "web"],
            resources.Select(r => r.Key).Order());
        Assert.All(resources, r => Assert.Contains(r.Value!["type"]!.GetValue<string>(), new[] { "project.v0", "parameter.v0", "container.v0", "container.v1" }));
        foreach (var secret in new[] { "auth-signing-key", "front-key", "push-vapid-key", "cloudinary-url", "chatdb", "redis" })
        {
            var input = resources[secret]!["inputs"]!["value"]!;
            Assert.True(input["secret"]!.GetValue<bool>(), $"{secret} is secret");
            Assert.Null(input["value"]);
        }
        // Keys azd generates and keeps; the rest it asks for.
        Assert.NotNull(resources["auth-signing-key"]!["inputs"]!["value"]!["default"]!["generate"]);
        Assert.NotNull(resources["front-key"]!["inputs"]!["value"]!["default"]!["generate"]);
        Assert.NotNull(resources["push-vapid-key"]!["inputs"]!["value"]!["default"]!["generate"]);

        var api = resources["api"]!["env"]!.AsObject();
        Assert.Equal("{redis.connectionString}", api["ConnectionStrings__redis"]!.GetValue<string>());
        Assert.Equal("{chatdb.connectionString}", api["ConnectionStrings__chatdb"]!.GetValue<string>());
        Assert.Equal("{auth-signing-key.value}", api["Auth__SigningKey"]!.GetValue<string>());
        Assert.Equal("{push-vapid-key.value}", api["Push__VapidKey"]!.GetValue<string>());
        Assert.Equal("{cloudinary-url.value}", api["CLOUDINARY_URL"]!.GetValue<string>());
        Assert.False(api.ContainsKey("Media__LocalPath"));

        // Only the web front is reachable from outside.
        var external = resources.Where(r => r.Value!["bindings"] is JsonObject bindings
            && bindings.Any(b => b.Value!["external"]?.GetValue<bool>() == true)).Select(r => r.Key);
        Assert.Equal(["web"], external);

        // No path of this machine anywhere.
        foreach (var value in Strings(manifest))
        {
            Assert.False(Path.IsPathRooted(value) || value.Contains(RepositoryPaths.Root, StringComparison.Ordinal), $"absolute path: {value}");
        }
    }

    [Fact]
    public async Task The_manifest_is_the_same_whatever_this_machine_runs_locally()
    {
        var (_, containers) = await PublishAsync(new() { ["Infrastructure__Mode"] = "containers" });
        var (_, executables) = await PublishAsync(new() { ["Infrastructure__Mode"] = "executables" });

        Assert.Equal(containers, executables);
    }

    [Fact]
    public async Task The_committed_infra_compiles_with_the_bicep_cli_without_a_warning()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "infra"), "*.bicep"))
        {
            var (exitCode, output) = await RunAsync(BicepCli(), ["build", file, "--stdout"]);
            Assert.True(exitCode == 0, $"{Path.GetFileName(file)}: {output}");
            Assert.DoesNotContain("Warning", output.Replace("\"Warning\"", ""), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_service_templates_deploy_two_api_replicas_with_probes_and_every_secret_is_a_bicep_parameter()
    {
        var (manifest, _) = await PublishAsync(new());
        var main = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "infra", "main.bicep"));
        var api = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "Chat.AppHost", "infra", "api.tmpl.yaml"));
        var web = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "Chat.AppHost", "infra", "web.tmpl.yaml"));

        Assert.Contains("minReplicas: 2", api);
        foreach (var template in new[] { api, web })
        {
            Assert.Contains("path: /health", template);
            Assert.Contains("path: /alive", template);
        }
        Assert.Contains("external: false", api);
        Assert.Contains("external: true", web);
        // Each secret parameter of the manifest is a secure parameter azd fills (hyphens become underscores) ...
        var secrets = manifest["resources"]!.AsObject()
            .Where(r => r.Value!["type"]!.GetValue<string>() == "parameter.v0" && r.Value!["inputs"]?["value"]?["secret"]?.GetValue<bool>() == true)
            .Select(r => r.Key.Replace('-', '_'))
            .ToList();
        Assert.NotEmpty(secrets);
        Assert.All(secrets, name => Assert.Matches($@"@secure\(\)\s*\n(@description\('[^']*'\)\s*\n)?(#disable-next-line[^\n]*\n)?param {name} string", main));
        // ... and every parameter a template uses is one of them.
        foreach (System.Text.RegularExpressions.Match used in System.Text.RegularExpressions.Regex.Matches(api + web, "securedParameter \"([a-z_]+)\""))
        {
            Assert.Contains(used.Groups[1].Value, secrets);
        }
    }

    // The Bicep CLI from NuGet (a PackageDownload of this project).
    private static string BicepCli()
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        return Path.Combine(packages, "azure.bicep.commandline.linux-x64", "0.49.2", "tools", "bicep");
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, string[] arguments)
    {
        var start = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await errors + await output);
    }

    private static IEnumerable<string> Strings(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => Strings(p.Value)),
        JsonArray a => a.SelectMany(Strings),
        JsonValue v when v.TryGetValue<string>(out var s) => [s],
        _ => [],
    };

    private static async Task<(JsonObject Manifest, string Text)> PublishAsync(Dictionary<string, string> environment)
    {
        // Beside the AppHost, as azd publishes it: project paths come out relative to it.
        var output = Directory.CreateDirectory(Path.Combine(RepositoryPaths.Root, "Chat.AppHost", "obj", $"manifest-{Guid.NewGuid():N}")).FullName;
        try
        {
            var start = new ProcessStartInfo("dotnet",
            [
                RepositoryPaths.BuiltAssembly("Chat.AppHost"),
                "--publisher", "manifest", "--output-path", Path.Combine(output, "aspire-manifest.json"),
            ])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = Path.Combine(RepositoryPaths.Root, "Chat.AppHost"),
            };
            foreach (var (key, value) in environment) start.Environment[key] = value;
            using var process = Process.Start(start)!;
            var log = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
            Assert.True(process.ExitCode == 0, await log + await errors);
            var text = await File.ReadAllTextAsync(Path.Combine(output, "aspire-manifest.json"));
            return (JsonNode.Parse(text)!.AsObject(), text);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }
}

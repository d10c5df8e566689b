using System.Diagnostics;
using System.Text.Json.Nodes;
using Chat.Tests.Support;

namespace Chat.Tests.Integration;

/// <summary>
/// The API's OpenAPI document, which the build writes to Chat.Api/openapi/chat-api.json from the
/// endpoints and contracts themselves: the committed copy must be the one the code describes, so
/// a change to a contract shows in review and cannot drift.
/// </summary>
public class OpenApiDocumentTests
{
    private static readonly string DocumentPath = Path.Combine("Chat.Api", "openapi", "chat-api.json");

    [Fact]
    public async Task The_committed_document_is_the_one_the_build_wrote_from_the_code()
    {
        // The tests' build ran the API's, which wrote the document afresh.
        Assert.True(File.Exists(Path.Combine(RepositoryPaths.Root, DocumentPath)), $"{DocumentPath} was not written by the build");
        var (tracked, _) = await GitAsync("ls-files", "--error-unmatch", DocumentPath);
        Assert.True(tracked == 0, $"{DocumentPath} is not committed");
        var (changed, diff) = await GitAsync("diff", "--stat", "--exit-code", "--", DocumentPath);
        Assert.True(changed == 0, $"The contracts changed but {DocumentPath} was not committed with them:\n{diff}");
    }

    [Fact]
    public void The_document_describes_the_public_api_with_its_contracts()
    {
        var document = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, DocumentPath)))!;
        var paths = document["paths"]!.AsObject();
        foreach (var path in new[] { "/api/auth/signup", "/api/conversations/{peerId}/messages", "/api/groups/{id}/messages", "/api/users/me/privacy",
                     "/api/account/export/{id}", "/api/push/subscriptions" })
        {
            Assert.True(paths.ContainsKey(path), $"{path} is missing");
        }
        var schemas = document["components"]!["schemas"]!.AsObject();
        var conversation = schemas["ConversationResponse"]!["properties"]!.AsObject();
        Assert.Contains("request", conversation.Select(p => p.Key));
        Assert.Contains("muted", conversation.Select(p => p.Key));
        // Nothing stored but not public leaks into the contract.
        Assert.DoesNotContain("passwordHash", document.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("sessionStamp", document.ToJsonString(), StringComparison.OrdinalIgnoreCase);
    }

    private static async Task<(int ExitCode, string Output)> GitAsync(params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = RepositoryPaths.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var git = Process.Start(start)!;
        var output = await git.StandardOutput.ReadToEndAsync() + await git.StandardError.ReadToEndAsync();
        await git.WaitForExitAsync();
        return (git.ExitCode, output);
    }
}

using Chat.LoadTest.Chaos;
using Chat.LoadTest.Measurement;
using Chat.Tests.Cluster;
using Chat.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Browser;

/// <summary>
/// The web client when the server side fails under it: the API replica holding a browser's
/// socket is killed while the conversation is open. On the crash cluster (it runs alone).
/// </summary>
[Collection(CrashClusterCollection.Name)]
public sealed class ServerFaultTests(CrashClusterFixture cluster, BrowserFixture browsers) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Killing_the_replica_under_an_open_conversation_loses_and_doubles_nothing_on_screen()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var (annName, bobName) = ($"Ann {tag}", $"Bob {tag}");
        var ann = new ChatPage(await browsers.NewPersonAsync(cluster.WebEndpoint));
        var bob = new ChatPage(await browsers.NewPersonAsync(cluster.WebEndpoint));
        await ann.SignUpAsync(annName, ChatApiClient.NewEmail("ann"));
        await bob.SignUpAsync(bobName, ChatApiClient.NewEmail("bob"));
        await ann.OpenConversationWithAsync(bobName);
        await bob.OpenConversationWithAsync(annName);
        await ann.SendAsync("Before anything fails");
        await Expect(bob.Message("Before anything fails")).ToBeVisibleAsync();

        // Each replica in turn, so both browsers' sockets are cut at least once, wherever they are.
        foreach (var (replica, round) in cluster.ApiReplicas.Select((r, i) => (r, i)))
        {
            var instance = await ClusterFixture.InstanceAtAsync(replica);
            var replicaId = cluster.ReplicaResourceId(replica);
            var process = await ApiProcesses.FindByInstanceAsync(instance);
            Signals.Kill(process);
            await process.WaitForExitAsync();

            // Both write while a socket is gone; what they write arrives once on both sides.
            await ann.SendAsync($"From Ann, round {round}");
            await bob.SendAsync($"From Bob, round {round}");
            foreach (var page in new[] { ann, bob })
            {
                await Expect(page.Message($"From Ann, round {round}")).ToHaveCountAsync(1, new() { Timeout = 30_000 });
                await Expect(page.Message($"From Bob, round {round}")).ToHaveCountAsync(1, new() { Timeout = 30_000 });
                await Expect(page.Message($"From Ann, round {round}")).ToHaveAttributeAsync("data-status", "sent");
            }

            await cluster.CommandAsync(replicaId, KnownResourceCommands.StartCommand);
            await cluster.NewInstanceAnsweringAsync(replicaId, instance, TimeSpan.FromSeconds(90));
        }

        await BrowserFixture.ScreenshotAsync(ann.Page, "after-replica-kills");
        foreach (var page in new[] { ann, bob })
        {
            await page.Page.ReloadAsync();
            await Expect(page.Message("Before anything fails")).ToHaveCountAsync(1);
            await Expect(page.Messages).ToHaveCountAsync(1 + 2 * cluster.ApiReplicas.Count);
        }
    }
}

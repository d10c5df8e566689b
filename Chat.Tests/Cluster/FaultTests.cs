using System.Net;
using System.Diagnostics;
using System.Net.Http.Json;
using Chat.LoadTest.Chaos;
using Chat.LoadTest.Measurement;
using Chat.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;
using Xunit.Abstractions;

namespace Chat.Tests.Cluster;

/// <summary>
/// The promise under faults: while pairs of users talk both ways (live hub connections through the
/// web front, sends over the hub and REST, retried under the same clientMessageId until
/// acknowledged), something fails; afterwards every acknowledged message is stored once, in order,
/// without a gap in seq, and held once by its recipient (pushed live or recovered by catch-up),
/// and no answer was a server error. The crash cluster runs alone, so killing a replica disturbs
/// no other test.
/// </summary>
[Collection(CrashClusterCollection.Name)]
public class FaultTests(CrashClusterFixture cluster, ITestOutputHelper output)
{
    private const int Pairs = 4;
    private const double RatePerUser = 3; // 24 messages a second in all

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_api_replica_killed_or_stopped_mid_load_loses_and_doubles_nothing(bool graceful)
    {
        var verdict = await UnderFaultAsync(graceful ? "replica-stop" : "replica-kill", async traffic =>
        {
            // The replica holding a user's live connection (so at least that one must come back).
            var instance = await traffic.Peers.First().ReplicaAsync();
            var victim = await ReplicaUrlAsync(instance);
            var process = await ApiProcesses.FindByInstanceAsync(instance);
            if (graceful) Signals.Terminate(process);
            else Signals.Kill(process);
            await process.WaitForExitAsync();
            await AssertTheFrontRoutesAroundTheDeadReplicaAsync();
            // The orchestrator's Start brings it back (as after a crash in the cloud).
            var replicaId = cluster.ReplicaResourceId(victim);
            await cluster.CommandAsync(replicaId, KnownResourceCommands.StartCommand);
            await cluster.NewInstanceAnsweringAsync(replicaId, instance, TimeSpan.FromSeconds(90));
        });

        Assert.True(verdict.DeliveredLive > 0);
        Assert.True(verdict.TimeUntilAllLive > TimeSpan.Zero, "a connection on the victim came back");
        if (graceful)
        {
            // Told to go at once, not when the shutdown timed out.
            Assert.True(verdict.TimeUntilAllLive < TimeSpan.FromSeconds(4), verdict.ToString());
        }
    }

    // Before its health checks notice (about 2 s), the front still picks the dead replica for
    // some requests: refused at connect, they go to the live one instead of answering 502.
    private async Task AssertTheFrontRoutesAroundTheDeadReplicaAsync()
    {
        // A plain client: nothing between it and the front that would retry a 502.
        using var web = new HttpClient { BaseAddress = cluster.WebEndpoint };
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 20; i++)
        {
            using var response = await web.GetAsync("/api/limits");
            statuses.Add(response.StatusCode);
        }
        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
    }

    private async Task<Uri> ReplicaUrlAsync(string instance)
    {
        foreach (var replica in cluster.ApiReplicas)
        {
            if (await ClusterFixture.InstanceAtAsync(replica) == instance) return replica;
        }
        throw new InvalidOperationException($"No replica answers as {instance}.");
    }

    [Fact]
    public async Task Redis_restarted_mid_load_loses_nothing_and_presence_converges_within_two_heartbeats()
    {
        var usersOnline = TimeSpan.Zero;
        await UnderFaultAsync("redis-restart", async traffic =>
        {
            var redis = cluster.ResourceId("redis");
            await cluster.StopAsync(redis);
            await Task.Delay(TimeSpan.FromSeconds(3));
            await cluster.CommandAsync(redis, KnownResourceCommands.StartCommand);
            await cluster.WaitUntilHealthyAsync(redis, TimeSpan.FromSeconds(60));

            // Redis came back empty: each replica registers its connections again on its next heartbeat.
            var back = Stopwatch.StartNew();
            using var watcher = ChatApiClient.For(cluster.WebEndpoint);
            // A 503 (Retry-After) until the replica has reconnected is the contract: try again.
            while ((await watcher.SignUpAsync(ChatApiClient.NewEmail("watcher"), fullName: "Watcher")).StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                Assert.True(back.Elapsed < TimeSpan.FromSeconds(5), "the API did not reconnect to Redis");
                await Task.Delay(200);
            }
            var names = traffic.Peers.Select(p => p.Session.UserId).ToHashSet();
            while (true)
            {
                var page = await watcher.Http.GetFromJsonAsync<ContactPageDto>($"/api/users?q=chaos-redis&limit=100", ChatApiClient.Json);
                if (page!.Items.Where(c => names.Contains(c.Id)).Count(c => c.Online) == names.Count) break;
                Assert.True(back.Elapsed < 2 * CrashClusterFixture.Heartbeat + TimeSpan.FromSeconds(3), "presence did not converge");
                await Task.Delay(200);
            }
            usersOnline = back.Elapsed;
        });

        output.WriteLine($"presence converged {usersOnline.TotalSeconds:F1} s after Redis was back (heartbeat {CrashClusterFixture.Heartbeat.TotalSeconds} s)");
    }

    // A send's deadline is 2 s (DependencyFailures.SendTimeout); the margin is the path to it and
    // back on a loaded 2-core machine (seen: 2.0–3.0 s), still well under the 5 s the deadline was.
    private static readonly TimeSpan FastRefusal = TimeSpan.FromSeconds(4);

    [Theory]
    [InlineData("mongo")]
    [InlineData("redis")]
    public async Task A_store_unresponsive_for_ten_seconds_means_try_again_answers_within_two_seconds_and_nothing_lost(string store)
    {
        var hubCall = TimeSpan.Zero;
        string? hubError = null;
        var verdict = await UnderFaultAsync($"{store}-freeze", async traffic =>
        {
            var (a, b) = (traffic.Peers.First(), traffic.Peers.Skip(1).First());
            // Connected before the freeze: opening a connection needs Redis.
            await using var live = await LiveClient.ConnectAsync(cluster.WebEndpoint, a.Session.Cookie.Split('=', 2)[1]);
            var freeze = Signals.FreezeAsync(cluster.ProcessOf(cluster.ResourceId(store)), TimeSpan.FromSeconds(10));
            await Task.Delay(500);
            // A hub send while it is frozen: a clear "try again" within the send's deadline.
            var started = Stopwatch.StartNew();
            hubError = (await Record.ExceptionAsync(() => live.Connection.InvokeAsync<MessageDto>("SendMessage", b.Session.UserId,
                new { clientMessageId = Guid.NewGuid().ToString(), text = "while frozen" })))?.Message;
            hubCall = started.Elapsed;
            await freeze;
        });

        output.WriteLine($"hub send refused after {hubCall.TotalSeconds:F2} s: {hubError}");
        Assert.True(hubCall < FastRefusal, $"the hub send took {hubCall}");
        Assert.Contains("try again", hubError ?? "(no error)", StringComparison.OrdinalIgnoreCase);

        // While it was frozen, sends were told to try again (503 / a HubException), not left hanging.
        var refusals = verdict.Counters.Statuses.GetValueOrDefault(503) + verdict.Counters.HubRefusals.Values.Sum();
        Assert.True(refusals > 0, verdict.ToString());
        Assert.True(verdict.Counters.SlowestRefusal < FastRefusal, verdict.ToString());
    }

    [Fact]
    public async Task The_web_front_restarted_mid_load_loses_nothing_and_every_client_comes_back()
    {
        var verdict = await UnderFaultAsync("web-restart", async () =>
        {
            // Stopped as an orchestrator stops it (SIGTERM), then started again.
            var web = cluster.ResourceId("web");
            var process = cluster.ProcessOf(web);
            Signals.Terminate(process);
            await process.WaitForExitAsync();
            await cluster.CommandAsync(web, KnownResourceCommands.StartCommand);
            await cluster.WaitUntilHealthyAsync(web, TimeSpan.FromSeconds(60));
        });

        Assert.True(verdict.TimeUntilAllLive > TimeSpan.Zero, "every connection went through the front, so every one came back");
    }

    private Task<ChaosVerdict> UnderFaultAsync(string name, Func<Task> fault) => UnderFaultAsync(name, _ => fault());

    /// <summary>Traffic, then the fault (and its repair), more traffic, and the verdict, which must keep the promise.</summary>
    private async Task<ChaosVerdict> UnderFaultAsync(string name, Func<ChaosTraffic, Task> fault)
    {
        await using var traffic = await ChaosTraffic.ConnectAsync(cluster.WebEndpoint, Pairs, $"{name}-{Guid.NewGuid():N}"[..24]);
        traffic.Start(RatePerUser);
        await Task.Delay(TimeSpan.FromSeconds(2));

        var faultAt = Stopwatch.GetTimestamp();
        await fault(traffic);
        var timeToLive = await traffic.WaitUntilAllLiveAsync(faultAt, TimeSpan.FromSeconds(60));
        await Task.Delay(TimeSpan.FromSeconds(2)); // traffic after the repair
        await traffic.StopAsync();

        var verdict = await traffic.SettleAsync(timeToLive);
        output.WriteLine($"{name}: {verdict}");
        Assert.True(verdict.Kept, verdict.ToString());
        // Traffic flowed: at least a second's worth at the full rate, before and after the fault
        // (a store frozen for ten seconds holds sends back most of the run; 36 were seen when the
        // machine ran three clusters at once, 48 to 200 otherwise).
        Assert.InRange(verdict.Acknowledged, Pairs * 2 * RatePerUser, long.MaxValue);
        return verdict;
    }
}

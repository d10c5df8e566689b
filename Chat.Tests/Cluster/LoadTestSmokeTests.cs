using Chat.LoadTest.Scenarios;

namespace Chat.Tests.Cluster;

/// <summary>The load-test tool, briefly, against the test cluster: correctness only, never speed.</summary>
[Collection(ClusterCollection.Name)]
public class LoadTestSmokeTests(ClusterFixture cluster)
{
    [Fact]
    public async Task A_short_messages_run_delivers_every_message_exactly_once_in_seq_order()
    {
        var options = new MessagesScenario.Options(cluster.WebEndpoint, Pairs: 3, Rate: 15,
            Duration: TimeSpan.FromSeconds(3), Warmup: TimeSpan.FromSeconds(1), MeasureCpu: false);

        var report = await MessagesScenario.RunAsync(options);

        Assert.InRange(report.Sent, 30, 60);
        Assert.Equal((0L, 0L, 0L, 0L), (report.Errors, report.Lost, report.Duplicates, report.OutOfOrder));
        Assert.Equal(report.Sent, report.Delivery.Count);
        Assert.Equal(report.Sent, report.Ack.Count);
    }

    [Fact]
    public async Task A_short_group_fanout_run_delivers_every_message_to_every_member_exactly_once()
    {
        var members = ClusterFixture.GroupMaxMembers;
        await using var crowd = await GroupFanoutScenario.Crowd.ConnectAsync(cluster.WebEndpoint, members, groups: 1);
        var options = new GroupFanoutScenario.Options(cluster.WebEndpoint, members, Groups: 1, Rate: 10,
            Duration: TimeSpan.FromSeconds(3), Warmup: TimeSpan.FromSeconds(1), MeasureCpu: false);

        var report = await GroupFanoutScenario.RunAsync(crowd, options);

        Assert.InRange(report.Sent, 20, 40);
        Assert.Equal((0L, 0L, 0L, 0L, (long?)0), (report.Errors, report.Lost, report.Duplicates, report.OutOfOrder, report.HistoryGaps));
        Assert.Equal(report.Sent * members, report.Delivery.Count); // every member, the sender's own devices too
    }

    [Fact]
    public async Task A_short_push_run_pushes_every_message_to_the_closed_device_exactly_once()
    {
        var options = new PushScenario.Options(cluster.WebEndpoint, Pairs: 3, Rate: 15,
            Duration: TimeSpan.FromSeconds(3), Warmup: TimeSpan.FromSeconds(1), cluster.LoadToolPushPort, MeasureCpu: false);

        var report = await PushScenario.RunAsync(options);

        Assert.InRange(report.Sent, 30, 60);
        Assert.Equal((0L, 0L, 0L), (report.Errors, report.Missing, report.Duplicates));
        Assert.Equal(report.Sent, report.Pushed);
        Assert.Equal(report.Sent, report.Push.Count);
    }
}

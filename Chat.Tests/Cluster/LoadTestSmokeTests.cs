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
}

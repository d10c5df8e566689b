using System.Diagnostics;
using Chat.LoadTest.Measurement;

namespace Chat.Tests.Unit.LoadTest;

public class DeliveryLedgerTests
{
    private static readonly long Start = Stopwatch.GetTimestamp();
    private static long At(double ms) => Start + (long)(ms * Stopwatch.Frequency / 1000);

    [Fact]
    public void Latencies_run_from_send_to_ack_and_to_delivery_and_are_split_by_replica()
    {
        var ledger = new DeliveryLedger();
        ledger.Sent("a", At(0), measured: true);
        ledger.Sent("b", At(10), measured: true);
        ledger.Acked("a", "replica-1", At(5));
        ledger.Acked("b", "replica-2", At(18));

        ledger.Delivered("c1", "m1", "a", 1, recipientReplica: "replica-1", At(7));
        ledger.Delivered("c2", "m2", "b", 1, recipientReplica: "replica-1", At(22));

        Assert.Equal([5.0, 8.0], ledger.Acks.Select(t => Math.Round(t.TotalMilliseconds)).Order());
        Assert.Equal([7.0], ledger.Deliveries(crossReplica: false).Select(t => Math.Round(t.TotalMilliseconds)));
        Assert.Equal([12.0], ledger.Deliveries(crossReplica: true).Select(t => Math.Round(t.TotalMilliseconds)));
        Assert.Equal((2L, 0L, 0L, 0L), (ledger.DeliveredCount, ledger.Lost, ledger.Duplicates, ledger.OutOfOrder));
    }

    [Fact]
    public void An_ack_that_arrives_after_the_push_still_counts()
    {
        var ledger = new DeliveryLedger();
        ledger.Sent("a", At(0), measured: true);
        ledger.Delivered("c", "m", "a", 1, "r", At(3));
        ledger.Acked("a", "r", At(4));

        Assert.Equal([4.0], ledger.Acks.Select(t => Math.Round(t.TotalMilliseconds)));
        Assert.Equal([3.0], ledger.Deliveries().Select(t => Math.Round(t.TotalMilliseconds)));
    }

    [Fact]
    public void Warm_up_sends_are_delivered_but_not_measured()
    {
        var ledger = new DeliveryLedger();
        ledger.Sent("a", At(0), measured: false);
        ledger.Acked("a", "r", At(1));
        ledger.Delivered("c", "m", "a", 1, "r", At(2));

        Assert.Empty(ledger.Acks);
        Assert.Empty(ledger.Deliveries());
        Assert.Equal(1, ledger.DeliveredCount);
    }

    [Fact]
    public void A_message_pushed_twice_is_a_duplicate_and_an_earlier_seq_after_a_later_is_out_of_order()
    {
        var ledger = new DeliveryLedger();
        foreach (var id in new[] { "a", "b", "c" }) ledger.Sent(id, At(0), measured: true);

        ledger.Delivered("c1", "m2", "b", 2, "r", At(1));
        ledger.Delivered("c1", "m1", "a", 1, "r", At(2)); // seq 1 after seq 2
        ledger.Delivered("c1", "m2", "b", 2, "r", At(3)); // again
        ledger.Delivered("c2", "m9", "c", 1, "r", At(4)); // another conversation starts at 1: fine

        Assert.Equal((1L, 1L, 3L), (ledger.Duplicates, ledger.OutOfOrder, ledger.DeliveredCount));
    }

    [Fact]
    public void Acknowledged_sends_never_delivered_are_lost_and_failed_sends_are_errors_not_losses()
    {
        var ledger = new DeliveryLedger();
        ledger.Sent("delivered", At(0), measured: true);
        ledger.Sent("lost", At(0), measured: true);
        ledger.Sent("failed", At(0), measured: true);
        ledger.Acked("lost", "r", At(1));
        ledger.Failed("failed");
        ledger.Delivered("c", "m", "delivered", 1, "r", At(2));

        Assert.Equal((1L, 1L), (ledger.Lost, ledger.Errors));
    }
}

public class LatencyStatsTests
{
    [Fact]
    public void Percentiles_are_nearest_rank()
    {
        var stats = new LatencyStats(Enumerable.Range(1, 100).Select(ms => TimeSpan.FromMilliseconds(ms)).Reverse());

        Assert.Equal((50.0, 90.0, 99.0, 100.0, 100.0), (stats.Median, stats.Percentile(90), stats.Percentile(99), stats.Percentile(99.9), stats.Max));
        Assert.Equal(1.0, stats.Percentile(0));
    }

    [Fact]
    public void No_samples_give_no_numbers()
    {
        var stats = new LatencyStats([]);

        Assert.True(double.IsNaN(stats.Median));
        Assert.Equal(0, stats.Count);
    }
}

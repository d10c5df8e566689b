using Chat.LoadTest.Measurement;
using Chat.LoadTest.Scenarios;
using Chat.LoadTest.Storage;
using Chat.Tests.Support;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Chat.Tests.Integration;

public class VerifiedMessagePrunerTests
{
    [Fact]
    public async Task Deletes_each_conversations_messages_below_its_highest_delivered_seq_but_its_last_few_and_keeps_the_rest()
    {
        await using var mongo = await MongoStandInProcess.StartAsync();
        var messages = new MongoClient(mongo.ConnectionString()).GetDatabase("chatdb").GetCollection<BsonDocument>("messages");
        await messages.InsertManyAsync(
            from conversation in new[] { "a_b", "c_d", "e_f" }
            from seq in Enumerable.Range(1, 40)
            select new BsonDocument { ["conversationId"] = conversation, ["seq"] = seq });
        var delivered = new Dictionary<string, long> { ["a_b"] = 40, ["c_d"] = 20 }; // e_f: nothing verified yet
        const long margin = VerifiedMessagePruner.Margin;

        await using (var pruner = new VerifiedMessagePruner(mongo.ConnectionString("chatdb"), () => delivered, every: TimeSpan.FromHours(1)))
        {
            await pruner.PruneAsync();
            // The last seqs stay while the run sends: a replica that trails them must meet them (the unique index) rather than take them again.
            Assert.Equal((40 - margin - 1) + (20 - margin - 1), pruner.Deleted);
            delivered["c_d"] = 30;
            await pruner.PruneAsync();
            Assert.Equal((40 - margin - 1) + (30 - margin - 1), pruner.Deleted);
        }
        // Disposed: the run is over, so every verified message went.

        var left = (await messages.Find(FilterDefinition<BsonDocument>.Empty).ToListAsync())
            .GroupBy(m => m["conversationId"].AsString)
            .ToDictionary(g => g.Key, g => g.Select(m => m["seq"].AsInt32).Order().ToArray());
        Assert.False(left.ContainsKey("a_b"));
        Assert.Equal(Enumerable.Range(31, 10), left["c_d"]);
        Assert.Equal(Enumerable.Range(1, 40), left["e_f"]);
    }

    [Theory]
    [InlineData(40.0, 0, 100.0, true)]
    [InlineData(60.0, 0, 100.0, false)] // over the bound
    [InlineData(40.0, 1, 100.0, false)] // a lost message fails the step whatever the latency
    [InlineData(40.0, 0, 90.0, false)] // fell behind the target rate
    public void A_max_rate_step_passes_only_clean_within_the_bound_and_keeping_up(double p99, long lost, double throughput, bool passes)
    {
        var latencies = new LatencyStats(Enumerable.Repeat(TimeSpan.FromMilliseconds(p99), 100));
        var report = new MessagesScenario.Report(1000, throughput, 0, lost, 0, 0, latencies, latencies, latencies, latencies, latencies, null, null);
        Assert.Equal(passes, MaxRateScenario.Judge(100, report, boundMs: 50).Passed);
    }
}

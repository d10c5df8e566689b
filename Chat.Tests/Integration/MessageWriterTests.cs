using System.Collections.Concurrent;
using System.Diagnostics;
using Chat.Api.Infrastructure.MongoDB;
using Chat.Api.Messaging;
using Chat.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoDB.Driver.Core.Events;

namespace Chat.Tests.Integration;

/// <summary>
/// Group commit against the MongoDB-wire server: seqs gap-free and in order whatever arrives
/// together, a repeated clientMessageId answered with the original, two replicas writing one
/// conversation, and the database commands a message costs.
/// </summary>
public sealed class MessageWriterTests : IAsyncLifetime
{
    private MongoStandInProcess _mongo = null!;
    private IMongoDatabase _database = null!;
    private ServiceProvider _services = null!;
    private readonly List<MessageWriter> _writers = [];
    // Commands the test's client sent, by name (the writers' only way to the database).
    private readonly ConcurrentDictionary<string, int> _commands = new();

    private async Task<MessageWriter> StartWriterAsync(GroupSeqHints? hints = null)
    {
        var writer = new MessageWriter(new MessageStore(_database), new MessagingTelemetry(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()),
            TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<MessageWriter>.Instance, hints);
        await writer.StartAsync(default);
        _writers.Add(writer);
        return writer;
    }

    private static MessageDocument Draft(string from, string to, string? clientMessageId = null) => new()
    {
        Id = ObjectId.GenerateNewId().ToString(),
        ConversationId = ConversationIds.For(from, to),
        Seq = 0,
        ClientMessageId = clientMessageId ?? Guid.NewGuid().ToString(),
        SenderId = from,
        RecipientId = to,
        Text = "hello",
        CreatedAt = DateTime.UtcNow,
    };

    private List<MessageDocument> Stored() =>
        _database.GetCollection<MessageDocument>("messages").Find(FilterDefinition<MessageDocument>.Empty).ToList();

    private static void AssertGapFree(IEnumerable<MessageDocument> messages)
    {
        foreach (var conversation in messages.GroupBy(m => m.ConversationId))
        {
            var seqs = conversation.Select(m => m.Seq).Order().ToList();
            Assert.Equal(Enumerable.Range(1, seqs.Count).Select(i => (long)i), seqs);
        }
    }

    [Fact]
    public async Task Concurrent_sends_get_gap_free_seqs_in_arrival_order_and_each_is_stored_once()
    {
        var writer = await StartWriterAsync();
        var pairs = new[] { ("a", "b"), ("b", "a"), ("c", "d"), ("e", "f") };

        var results = await Task.WhenAll(Enumerable.Range(0, 400).Select(i =>
        {
            var (from, to) = pairs[i % pairs.Length];
            return writer.AppendAsync(Draft(from, to), default);
        }));

        Assert.All(results, r => Assert.False(r.Duplicate));
        var stored = Stored();
        Assert.Equal(400, stored.Count);
        AssertGapFree(stored);
        Assert.Equal(results.Select(r => (r.Message.Id, r.Message.Seq)).Order(), stored.Select(m => (m.Id, m.Seq)).Order());

        // Each summary names its conversation's newest message (once it has followed).
        await SummariesWrittenAsync();
        var conversations = _database.GetCollection<ConversationDocument>("conversations").Find(FilterDefinition<ConversationDocument>.Empty).ToList();
        Assert.Equal(3, conversations.Count);
        foreach (var conversation in conversations)
        {
            var newest = stored.Where(m => m.ConversationId == conversation.Id).MaxBy(m => m.Seq)!;
            Assert.Equal((newest.Seq, newest.Id), (conversation.LastSeq, conversation.LastMessageId));
        }
    }

    [Fact]
    public async Task One_sender_in_turn_gets_consecutive_seqs()
    {
        var writer = await StartWriterAsync();
        for (var i = 1; i <= 5; i++)
        {
            var (message, _) = await writer.AppendAsync(Draft("a", "b"), default);
            Assert.Equal(i, message.Seq);
        }
    }

    [Fact]
    public async Task A_repeated_clientMessageId_is_answered_with_the_original_whether_sent_together_or_later()
    {
        var writer = await StartWriterAsync();
        var first = await writer.AppendAsync(Draft("a", "b", "same"), default);

        // Together with new messages: the batch is refused as a whole by the stand-in, and each
        // message then finds its own way.
        var together = await Task.WhenAll(
            writer.AppendAsync(Draft("a", "b", "new-1"), default),
            writer.AppendAsync(Draft("a", "b", "same"), default),
            writer.AppendAsync(Draft("a", "b", "twice"), default),
            writer.AppendAsync(Draft("a", "b", "twice"), default),
            writer.AppendAsync(Draft("a", "b", "new-2"), default));

        Assert.False(first.Duplicate);
        Assert.True(together[1].Duplicate);
        Assert.Equal(first.Message.Id, together[1].Message.Id);
        Assert.Equal(1, together.Count(r => r.Message.ClientMessageId == "twice" && r.Duplicate));
        Assert.Single(together.Where(r => r.Message.ClientMessageId == "twice").Select(r => r.Message.Id).Distinct());
        var stored = Stored();
        Assert.Equal(4, stored.Count);
        AssertGapFree(stored);
    }

    [Fact]
    public async Task Two_replicas_writing_one_conversation_never_share_or_skip_a_seq()
    {
        var one = await StartWriterAsync();
        var two = await StartWriterAsync();

        // Each replica learns the conversation's last seq, then they race.
        await one.AppendAsync(Draft("a", "b"), default);
        await two.AppendAsync(Draft("b", "a"), default);
        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
            (i % 2 == 0 ? one : two).AppendAsync(i % 2 == 0 ? Draft("a", "b") : Draft("b", "a"), default)));

        Assert.All(results, r => Assert.False(r.Duplicate));
        var stored = Stored();
        Assert.Equal(202, stored.Count);
        AssertGapFree(stored);
        await SummariesWrittenAsync();
        var conversation = _database.GetCollection<ConversationDocument>("conversations").Find(FilterDefinition<ConversationDocument>.Empty).Single();
        Assert.Equal(202, conversation.LastSeq);
    }

    [Fact]
    public async Task Two_replicas_writing_one_group_at_once_hear_each_others_seqs_and_never_share_or_skip_one()
    {
        await using var redis = await RedisClusterProcess.StartAsync();
        var hints = new List<GroupSeqHints>();
        foreach (var _ in new[] { 1, 2 })
        {
            var hint = new GroupSeqHints(await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis.ConnectionString),
                Microsoft.Extensions.Logging.Abstractions.NullLogger<GroupSeqHints>.Instance);
            await hint.StartAsync(default);
            hints.Add(hint);
        }
        var one = await StartWriterAsync(hints[0]);
        var two = await StartWriterAsync(hints[1]);
        var groupId = ObjectId.GenerateNewId().ToString();
        MessageDocument InGroup(string from) => Draft(from, "x") with { ConversationId = groupId, RecipientId = null };

        // Both write at once, as a busy group's members on two replicas do.
        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => (i % 2 == 0 ? one : two).AppendAsync(InGroup($"m{i % 7}"), default)));

        Assert.All(results, r => Assert.False(r.Duplicate));
        var stored = Stored();
        Assert.Equal(200, stored.Count);
        AssertGapFree(stored);
        // Each replica heard the other's seqs: the next insert starts after them.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (hints.Any(h => h.Heard(groupId) < 199) && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.All(hints, h => Assert.InRange(h.Heard(groupId), 199, 200));
        foreach (var hint in hints) await hint.StopAsync(default);
    }

    [Fact]
    public async Task A_message_costs_at_most_two_database_commands_alone_and_fewer_together()
    {
        var writer = await StartWriterAsync();
        await writer.AppendAsync(Draft("a", "b"), default); // the conversation's last seq is read once
        await SummariesWrittenAsync();
        _commands.Clear();

        // A message alone: its insert, and its summary's update right after.
        await writer.AppendAsync(Draft("a", "b"), default);
        await SummariesWrittenAsync();
        Assert.Equal((1, 1), (_commands["insert"], _commands["update"]));

        // A steady stream of single messages: an insert each, and a summary update per interval.
        _commands.Clear();
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < 20; i++) await writer.AppendAsync(Draft("a", "b"), default);
        var intervals = (int)(Stopwatch.GetElapsedTime(started) / MessageWriter.SummaryInterval);
        await SummariesWrittenAsync();
        Assert.Equal(20, _commands["insert"]);
        Assert.InRange(_commands["update"], 1, intervals + 2);
        Assert.Equal(20 + _commands["update"], _commands.Values.Sum());

        _commands.Clear();
        await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => writer.AppendAsync(Draft("a", "b"), default)));
        Assert.True(_commands.Values.Sum() < 200, $"200 sends together took {_commands.Values.Sum()} commands");
    }

    [Fact]
    public async Task A_summary_lost_between_a_message_and_its_update_is_written_again()
    {
        var writer = await StartWriterAsync();
        var conversations = _database.GetCollection<ConversationDocument>("conversations");
        await writer.AppendAsync(Draft("a", "b"), default);
        await writer.AppendAsync(Draft("a", "b"), default);
        await SummariesWrittenAsync();

        // As if a writer had stopped between a message and its summary.
        await conversations.DeleteManyAsync(FilterDefinition<ConversationDocument>.Empty);
        var (third, _) = await writer.AppendAsync(Draft("b", "a"), default);
        await SummariesWrittenAsync();

        var summary = await conversations.Find(FilterDefinition<ConversationDocument>.Empty).SingleAsync();
        Assert.Equal((3L, third.Id), (summary.LastSeq, summary.LastMessageId));
        Assert.Equal(["a", "b"], summary.Participants.Order());
    }

    [Fact]
    public async Task Under_load_summaries_are_written_once_per_conversation_per_interval_and_readers_catch_up_meanwhile()
    {
        var writer = await StartWriterAsync();
        var store = new MessageStore(_database);
        var conversations = _database.GetCollection<ConversationDocument>("conversations");
        await writer.AppendAsync(Draft("a", "b"), default);
        await writer.AppendAsync(Draft("c", "d"), default);
        await SummariesWrittenAsync();
        _commands.Clear();

        // 2,000 sends at once over two conversations (eight batches or more): summaries at most
        // every SummaryInterval, so far fewer updates than batches.
        await Task.WhenAll(Enumerable.Range(0, 2000).Select(i => writer.AppendAsync(i % 2 == 0 ? Draft("a", "b") : Draft("c", "d"), default)));
        var inserts = _commands["insert"];
        var staleOrNot = await conversations.Find(FilterDefinition<ConversationDocument>.Empty).ToListAsync();
        var caughtUp = await store.CatchUpAsync(staleOrNot, default);
        await SummariesWrittenAsync();

        Assert.True(inserts >= 8 && _commands.GetValueOrDefault("update") <= inserts / 2, $"{_commands.GetValueOrDefault("update")} summary updates for {inserts} inserts");
        Assert.All(caughtUp, c => Assert.Equal(1001, c.LastSeq));
        Assert.All(await conversations.Find(FilterDefinition<ConversationDocument>.Empty).ToListAsync(), c => Assert.Equal(1001, c.LastSeq));
        var newest = Stored().Where(m => m.Seq == 1001).ToDictionary(m => m.ConversationId);
        Assert.All(caughtUp, c => Assert.Equal(newest[c.Id].Id, c.LastMessageId));

        // A summary left behind (its replica stopped before writing it) reads as current.
        await conversations.UpdateManyAsync(FilterDefinition<ConversationDocument>.Empty,
            Builders<ConversationDocument>.Update.Set(c => c.LastSeq, 5).Set(c => c.LastMessageId, "stale"));
        var behind = await conversations.Find(FilterDefinition<ConversationDocument>.Empty).ToListAsync();
        Assert.All(await store.CatchUpAsync(behind, default), c => Assert.Equal((1001L, newest[c.Id].Id), (c.LastSeq, c.LastMessageId)));
    }

    // A summary follows its message after the acknowledgement: within MessageWriter.SummaryInterval.
    private static Task SummariesWrittenAsync() => Task.Delay(MessageWriter.SummaryInterval * 2);

    public async Task InitializeAsync()
    {
        MongoDatabaseRegistration.RegisterConventions();
        _mongo = await MongoStandInProcess.StartAsync();
        var settings = MongoClientSettings.FromConnectionString(_mongo.ConnectionString());
        settings.ClusterConfigurator = cluster => cluster.Subscribe<CommandStartedEvent>(e =>
        {
            if (e.CommandName is "insert" or "update" or "find" or "aggregate" or "delete") _commands.AddOrUpdate(e.CommandName, 1, (_, n) => n + 1);
        });
        _database = new MongoClient(settings).GetDatabase($"writer_{Guid.NewGuid():N}");
        await MessageStore.CreateIndexesAsync(_database, default);
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        foreach (var writer in _writers) await writer.StopAsync(default);
        await _services.DisposeAsync();
        await _mongo.DisposeAsync();
    }
}

using Chat.Api.Messaging;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoDB.Driver.Core.Events;

namespace Chat.Tests.Integration;

/// <summary>
/// The history page is an index range scan on (conversationId, seq) that stops after one page:
/// the same cost at the millionth message as at the tenth; a message search is an index scan on
/// its first word. Only a real MongoDB can say (the stand-in has no explain), so these run when
/// CHAT_TEST_MONGODB names one and are skipped otherwise.
/// </summary>
public class HistoryQueryPlanTests
{
    private const string ConnectionVariable = "CHAT_TEST_MONGODB";

    [SkippableTheory]
    [InlineData(null, null)]   // the newest page
    [InlineData(900L, null)]   // paging back
    [InlineData(null, 100L)]   // catching up
    public async Task A_history_page_is_an_index_range_scan_with_no_sort_reading_one_page(long? before, long? after)
    {
        var (plan, stats) = await ExplainTheStoresFindAsync(async database =>
        {
            var messages = database.GetCollection<MessageDocument>("messages");
            foreach (var conversation in new[] { "a_b", "a_c" })
            {
                await messages.InsertManyAsync(Enumerable.Range(1, 1000).Select(seq => new MessageDocument
                {
                    Id = ObjectId.GenerateNewId().ToString(), ConversationId = conversation, Seq = seq,
                    ClientMessageId = $"{conversation}-{seq}", SenderId = "a", RecipientId = conversation[2..],
                    Text = $"m{seq}", CreatedAt = DateTime.UtcNow,
                }));
            }
            var (page, _) = await new MessageStore(database).PageAsync("a_b", null, before, after, 50, default);
            Assert.Equal(50, page.Count);
        });

        Assert.Contains("\"IXSCAN\"", plan);
        Assert.Contains("conversation_seq", plan);
        Assert.DoesNotContain("\"SORT\"", plan);
        Assert.InRange(stats["totalDocsExamined"].ToInt64(), 50, 51);
        Assert.InRange(stats["totalKeysExamined"].ToInt64(), 50, 52);
    }

    [SkippableFact]
    public async Task A_message_search_is_an_index_scan_on_the_words_not_a_collection_scan()
    {
        var (plan, stats) = await ExplainTheStoresFindAsync(async database =>
        {
            await database.GetCollection<MessageDocument>("messages").InsertManyAsync(Enumerable.Range(1, 2000).Select(i =>
            {
                var text = i % 100 == 0 ? $"Café number {i}" : $"message {i}";
                return new MessageDocument
                {
                    Id = ObjectId.GenerateNewId().ToString(), ConversationId = i % 2 == 0 ? "a_b" : "c_d", Seq = i,
                    ClientMessageId = $"m-{i}", SenderId = "a", RecipientId = "b", Text = text, SearchWords = SearchWords.Of(text),
                    CreatedAt = DateTime.UtcNow.AddSeconds(i),
                };
            }));
            var (found, _) = await new MessageStore(database).SearchAsync([("a_b", null)], ["cafe", "number"], null, limit: 20, default);
            Assert.Equal(20, found.Count);
        });

        Assert.Contains("\"IXSCAN\"", plan);
        Assert.Contains("searchWords_conversation_createdAt", plan);
        Assert.DoesNotContain("COLLSCAN", plan);
        Assert.InRange(stats["totalDocsExamined"].ToInt64(), 20, 21); // the café messages, not all 2,000
    }

    // Runs the store against a fresh database with its indexes, captures the last find command it
    // sent to `messages`, and has the server explain it.
    private static async Task<(string Plan, BsonValue Stats)> ExplainTheStoresFindAsync(Func<IMongoDatabase, Task> run)
    {
        var connectionString = Environment.GetEnvironmentVariable(ConnectionVariable);
        Skip.If(string.IsNullOrEmpty(connectionString), $"Set {ConnectionVariable}=mongodb://host:27017 (a real MongoDB) to check query plans.");

        BsonDocument? find = null;
        var settings = MongoClientSettings.FromConnectionString(connectionString);
        settings.ClusterConfigurator = cluster => cluster.Subscribe<CommandStartedEvent>(e =>
        {
            if (e.CommandName == "find" && e.Command["find"] == "messages") find = e.Command.DeepClone().AsBsonDocument;
        });
        using var client = new MongoClient(settings);
        var database = client.GetDatabase($"chat_plan_{Guid.NewGuid():N}");
        try
        {
            await MessageStore.CreateIndexesAsync(database, default);
            await run(database);
            Assert.NotNull(find);
            var command = new BsonDocument(find!.Where(e => !e.Name.StartsWith('$') && e.Name is not ("lsid" or "txnNumber")));
            var explain = await database.RunCommandAsync<BsonDocument>(
                new BsonDocument { { "explain", command }, { "verbosity", "executionStats" } });
            return (explain["queryPlanner"]["winningPlan"].ToJson(), explain["executionStats"]);
        }
        finally
        {
            await client.DropDatabaseAsync(database.DatabaseNamespace.DatabaseName);
        }
    }
}

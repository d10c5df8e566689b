using MongoDB.Bson;
using MongoDB.Driver;

namespace Chat.LoadTest.Storage;

/// <summary>
/// Keeps the messages collection small during a long run by deleting what the run has already
/// verified: in each conversation, every message below the highest seq delivered to the
/// recipient. The highest stays while the run may still send (the server stores the next
/// message at highest + 1); at the end of the run it goes too.
/// Needed with the stand-in database, which slows quadratically with a collection's size
/// (the README, Infrastructure modes); harmless with a real MongoDB. Verification itself is done on pushes, which do
/// not depend on the stored copy. While the run sends, the last <see cref="Margin"/> seqs of each
/// conversation stay too: a replica remembers a conversation's last seq rather than asking, and
/// learns it was behind only when the unique (conversation, seq) index refuses its insert, which
/// it cannot do for a seq whose message was deleted (sends through the web front alternate
/// replicas, so a replica may trail by a few seqs). Without the margin seqs were taken twice.
/// </summary>
public sealed class VerifiedMessagePruner : IAsyncDisposable
{
    private readonly IMongoCollection<BsonDocument> _messages;
    private readonly Func<IReadOnlyDictionary<string, long>> _highestDelivered;
    private readonly Dictionary<string, long> _prunedBelow = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public const long Margin = 16;

    public long Deleted { get; private set; }

    /// <param name="connectionString">The cluster's database (it must name the database, as the AppHost's chatdb does).</param>
    public VerifiedMessagePruner(string connectionString, Func<IReadOnlyDictionary<string, long>> highestDelivered, TimeSpan? every = null)
    {
        var url = MongoUrl.Create(connectionString);
        _messages = new MongoClient(url).GetDatabase(url.DatabaseName ?? "chatdb").GetCollection<BsonDocument>("messages");
        _highestDelivered = highestDelivered;
        _loop = RunAsync(every ?? TimeSpan.FromSeconds(1));
    }

    private async Task RunAsync(TimeSpan every)
    {
        using var timer = new PeriodicTimer(every);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token)) await PruneAsync(cancellationToken: _stop.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <param name="final">No more sends: delete the highest verified message of each conversation too.</param>
    public async Task PruneAsync(bool final = false, CancellationToken cancellationToken = default)
    {
        var filters = _highestDelivered()
            .Select(c => (Conversation: c.Key, Below: final ? c.Value + 1 : c.Value - Margin))
            .Where(c => c.Below > _prunedBelow.GetValueOrDefault(c.Conversation))
            .ToList();
        if (filters.Count == 0) return;
        var builder = Builders<BsonDocument>.Filter;
        var filter = builder.Or(filters.Select(f => builder.Eq("conversationId", f.Conversation) & builder.Lt("seq", f.Below)));
        var result = await _messages.DeleteManyAsync(filter, cancellationToken);
        Deleted += result.DeletedCount;
        foreach (var (conversation, below) in filters) _prunedBelow[conversation] = below;
    }

    /// <summary>Stops, then deletes every verified message left (the run is over).</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
        await PruneAsync(final: true);
    }
}

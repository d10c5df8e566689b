using System.Diagnostics;
using System.Threading.Channels;
using Chat.Api.Infrastructure;
using Chat.Api.Infrastructure.MongoDB;
using MongoDB.Driver;

namespace Chat.Api.Messaging;

/// <summary>
/// Stores sent messages with their conversation's next seq, together (group commit): the sends
/// that arrive while one write is in flight go in the next one, as one insert and one update of
/// the conversations' summaries. Two database commands for a message alone, fewer per message
/// under load, and no waiting for company when there is none.
/// <para>
/// The replica remembers each conversation's last seq (read from the store once) instead of
/// asking before every insert; the unique (conversation, seq) index stays the judge. When another
/// replica took a seq first, the insert is refused, the last seq read again and the batch
/// inserted at the next ones; a group, written from several replicas at once, also hears the
/// seqs the others stored (<see cref="GroupSeqHints"/>), so that this is rare. Messages are
/// inserted in arrival order, one batch at a time, each
/// at (last seq + 1) of what is stored, so seqs become visible in order and without gaps: a
/// reader who has seen seq n has seen every seq below. A repeated clientMessageId is refused by
/// its own unique index and answered with the original (Duplicate). A send is acknowledged once
/// its message is stored (and, for a conversation's first message, its summary).
/// </para>
/// <para>
/// A conversation's summary (last seq, last message) follows its messages, at most once every
/// <see cref="SummaryInterval"/> for all conversations together: right after the batch when the
/// last write is older than that, else when it is due, each conversation's newest message once.
/// So a person's message alone costs an insert and an update, and under any load (a steady
/// stream of single messages too) the updates stay one a second (the MongoDB-wire stand-in's
/// cost per update grows with the collection: BENCHMARKS.md). Readers never trust a summary
/// alone: the conversation list and read marks look past its last seq
/// (<see cref="MessageStore.CatchUpAsync"/>), so a summary that is late, or lost with a replica,
/// changes no answer.
/// </para>
/// </summary>
public sealed class MessageWriter(
    MessageStore store, MessagingTelemetry telemetry, TimeProvider time, ILogger<MessageWriter> logger, GroupSeqHints? hints = null) : BackgroundService
{
    private const int MaxBatch = 256;
    // Seq conflicts answered by reading the last seqs again and retrying the batch, before the
    // slower one-at-a-time path takes over.
    private const int MaxSeqRetries = 8;
    private const int MaxWaiting = 8192;
    // Forgotten all at once past this many conversations (then read again one by one): bounded
    // memory without bookkeeping; a conversation's last seq costs one indexed read.
    private const int MaxRemembered = 100_000;

    /// <summary>How long a conversation's summary may trail its newest message.</summary>
    public static readonly TimeSpan SummaryInterval = TimeSpan.FromSeconds(1);

    // Waiting sends; when full, senders wait (within their deadline): back-pressure, not a queue
    // that grows while MongoDB does not answer.
    private readonly Channel<PendingMessage> _waiting = Channel.CreateBounded<PendingMessage>(
        new BoundedChannelOptions(MaxWaiting) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    // Only the write loop touches them.
    private readonly Dictionary<string, long> _lastSeqs = [];
    // Conversations whose summary this replica has written.
    private readonly HashSet<string> _summarized = [];
    // Each conversation's newest stored message whose summary is not written yet.
    private readonly Dictionary<string, MessageDocument> _unsummarized = [];
    private long _summariesWrittenAt;

    private sealed class PendingMessage(MessageDocument draft, ActivityContext sentFrom, CancellationToken abandoned)
    {
        public MessageDocument Draft { get; } = draft;
        public ActivityContext SentFrom { get; } = sentFrom;
        public CancellationToken Abandoned { get; } = abandoned;
        public MessageDocument Message { get; set; } = draft;
        public TaskCompletionSource<(MessageDocument Message, bool Duplicate)> Done { get; } =
            new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>
    /// Stores the draft with its conversation's next seq, or returns the sender's earlier message
    /// with the same clientMessageId (Duplicate).
    /// </summary>
    public async Task<(MessageDocument Message, bool Duplicate)> AppendAsync(MessageDocument draft, CancellationToken cancellationToken)
    {
        var pending = new PendingMessage(draft, Activity.Current?.Context ?? default, cancellationToken);
        try
        {
            await _waiting.Writer.WriteAsync(pending, cancellationToken);
        }
        catch (ChannelClosedException)
        {
            throw new TimeoutException("This replica is stopping and stores no more messages.");
        }
        return await pending.Done.Task.WaitAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // What is waiting is still written; then the loop ends.
        _waiting.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<PendingMessage>(MaxBatch);
        while (await WaitForSendsAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _waiting.Reader.TryRead(out var pending))
            {
                // Its sender gave up (deadline, disconnect) and was told so: a retry comes with
                // the same clientMessageId.
                if (pending.Abandoned.IsCancellationRequested) pending.Done.TrySetCanceled(pending.Abandoned);
                else batch.Add(pending);
            }
            if (batch.Count == 0) continue;

            telemetry.WriteBatchSize.Record(batch.Count);
            using var activity = StartBatchActivity(batch);
            using var deadline = new CancellationTokenSource(DependencyFailures.RequestTimeout);
            try
            {
                await WriteAsync(batch, deadline.Token);
            }
            catch (Exception ex)
            {
                var failure = ex is OperationCanceledException && deadline.IsCancellationRequested
                    ? new TimeoutException("MongoDB did not store the messages in time.", ex)
                    : ex;
                activity?.SetStatus(ActivityStatusCode.Error, failure.Message);
                foreach (var pending in batch) pending.Done.TrySetException(failure);
            }
        }
        await WriteSummariesAsync();
    }

    /// <summary>
    /// Waits for sends; while summaries are pending, only until they are due, and writes them
    /// once due (before the next batch, so also under a steady load). False once the channel is
    /// closed and empty.
    /// </summary>
    private async Task<bool> WaitForSendsAsync()
    {
        if (_unsummarized.Count == 0) return await _waiting.Reader.WaitToReadAsync(CancellationToken.None);
        var due = SummaryInterval - time.GetElapsedTime(_summariesWrittenAt);
        if (due > TimeSpan.Zero)
        {
            using var summariesDue = new CancellationTokenSource(due, time);
            try
            {
                return await _waiting.Reader.WaitToReadAsync(summariesDue.Token);
            }
            catch (OperationCanceledException) when (summariesDue.IsCancellationRequested)
            {
            }
        }
        await WriteSummariesAsync();
        return true;
    }

    private async Task WriteSummariesAsync()
    {
        _summariesWrittenAt = time.GetTimestamp();
        if (_unsummarized.Count == 0) return;
        var newest = _unsummarized.Values.ToList();
        _unsummarized.Clear();
        using var deadline = new CancellationTokenSource(DependencyFailures.RequestTimeout);
        try
        {
            await store.TouchConversationsAsync(newest, deadline.Token);
        }
        catch (Exception ex)
        {
            // Readers look past a late summary; the next write brings it up to date.
            logger.LogWarning(ex, "Conversation summaries not written ({Count}); they catch up with the next message.", newest.Count);
            foreach (var message in newest) AwaitSummary(message);
        }
    }

    private void AwaitSummary(MessageDocument message)
    {
        if (!_unsummarized.TryGetValue(message.ConversationId, out var waiting) || waiting.Seq < message.Seq) _unsummarized[message.ConversationId] = message;
    }

    private async Task WriteAsync(List<PendingMessage> batch, CancellationToken cancellationToken)
    {
        await RecallLastSeqsAsync(batch.Select(p => p.Draft.ConversationId), cancellationToken);

        var stored = new List<PendingMessage>();
        var remaining = batch;
        var refused = new List<PendingMessage>();
        for (var attempt = 0; remaining.Count > 0; attempt++)
        {
            AssignSeqs(remaining);
            try
            {
                await store.InsertAsync(remaining.Select(p => p.Message).ToList(), cancellationToken);
                stored.AddRange(remaining);
                remaining = [];
            }
            catch (MongoException ex) when (ex.IsDuplicateKey())
            {
                // mongod keeps the messages before the refused one, the stand-in none: ask which.
                // Only seqs taken by another replica (a busy group written from several at once):
                // read the last seqs again with it and insert the rest at once at the next ones.
                var seqsOnly = ex.IsDuplicateOn(MessageStore.ConversationSeqIndex) && attempt < MaxSeqRetries;
                var kept = store.StoredOfAsync(remaining.Select(p => p.Message.Id), cancellationToken);
                var relearned = seqsOnly ? RelearnLastSeqsAsync(remaining, cancellationToken) : Task.CompletedTask;
                var keptIds = await kept;
                await relearned;
                stored.AddRange(remaining.Where(p => keptIds.Contains(p.Message.Id)));
                remaining = remaining.Where(p => !keptIds.Contains(p.Message.Id)).ToList();
                foreach (var pending in stored) Remember(pending.Message);
                if (seqsOnly)
                {
                    telemetry.SeqConflicts.Add(1);
                    continue;
                }
                // A clientMessageId sent before (or too many conflicts): one at a time below.
                refused = remaining;
                remaining = [];
            }
        }
        foreach (var pending in stored) Remember(pending.Message);

        // The rest one at a time, in order, each finding its own way past the refusal.
        foreach (var pending in refused)
        {
            if (await InsertAloneAsync(pending, cancellationToken)) stored.Add(pending);
        }

        // A new conversation's summary is written before the send is acknowledged (it is what
        // puts the conversation in both people's lists); the others' follow (WriteSummariesAsync).
        var newest = stored.Select(p => p.Message).GroupBy(m => m.ConversationId).Select(g => g.MaxBy(m => m.Seq)!).ToList();
        var first = newest.Where(m => !_summarized.Contains(m.ConversationId)).ToList();
        foreach (var message in newest.Except(first)) AwaitSummary(message);
        if (first.Count > 0)
        {
            await store.TouchConversationsAsync(first, cancellationToken);
            _summarized.UnionWith(first.Select(m => m.ConversationId));
        }
        foreach (var pending in stored) pending.Done.TrySetResult((pending.Message, false));
    }

    /// <summary>Inserts at the conversation's next seq; false when it was a repeated clientMessageId (answered with the original).</summary>
    private async Task<bool> InsertAloneAsync(PendingMessage pending, CancellationToken cancellationToken)
    {
        var draft = pending.Draft;
        while (true)
        {
            var message = draft with { Seq = _lastSeqs[draft.ConversationId] + 1 };
            try
            {
                await store.InsertAsync([message], cancellationToken);
                pending.Message = message;
                Remember(message);
                return true;
            }
            catch (MongoException ex) when (ex.IsDuplicateKey())
            {
                if (await store.FindByClientMessageIdAsync(draft.SenderId, draft.ClientMessageId, cancellationToken) is { } original)
                {
                    pending.Done.TrySetResult((original, true));
                    return false;
                }
                // Another replica took this seq first.
                telemetry.SeqConflicts.Add(1);
                _lastSeqs[draft.ConversationId] = await store.LastSeqAsync(draft.ConversationId, cancellationToken);
            }
        }
    }

    // Each message at its conversation's next seq, in arrival order; where another replica
    // announced a later seq (a group), after that one.
    private void AssignSeqs(List<PendingMessage> batch)
    {
        var next = new Dictionary<string, long>();
        foreach (var pending in batch)
        {
            var conversationId = pending.Draft.ConversationId;
            if (!next.TryGetValue(conversationId, out var previous))
            {
                previous = Math.Max(_lastSeqs[conversationId], hints?.Heard(conversationId) ?? 0);
            }
            next[conversationId] = previous + 1;
            pending.Message = pending.Draft with { Seq = previous + 1 };
        }
    }

    private async Task RelearnLastSeqsAsync(IEnumerable<PendingMessage> refused, CancellationToken cancellationToken)
    {
        var conversations = refused.Select(p => p.Draft.ConversationId).Distinct().ToList();
        var lastSeqs = await Task.WhenAll(conversations.Select(id => store.LastSeqAsync(id, cancellationToken)));
        for (var i = 0; i < conversations.Count; i++) _lastSeqs[conversations[i]] = Math.Max(_lastSeqs[conversations[i]], lastSeqs[i]);
    }

    private async Task RecallLastSeqsAsync(IEnumerable<string> conversationIds, CancellationToken cancellationToken)
    {
        if (_lastSeqs.Count > MaxRemembered)
        {
            _lastSeqs.Clear();
            _summarized.Clear();
        }
        var unknown = conversationIds.Where(id => !_lastSeqs.ContainsKey(id)).Distinct().ToList();
        if (unknown.Count == 0) return;
        var lastSeqs = await Task.WhenAll(unknown.Select(id => store.LastSeqAsync(id, cancellationToken)));
        for (var i = 0; i < unknown.Count; i++) _lastSeqs[unknown[i]] = lastSeqs[i];
    }

    private void Remember(MessageDocument message)
    {
        if (message.Seq <= _lastSeqs.GetValueOrDefault(message.ConversationId)) return;
        _lastSeqs[message.ConversationId] = message.Seq;
        // A group is written from several replicas at once: they learn of this seq at once.
        if (message.RecipientId is null) hints?.Announce(message.ConversationId, message.Seq);
    }

    // One span per write, under the first send's trace and linked to the others', so each send's
    // trace shows the database commands that stored it.
    private static Activity? StartBatchActivity(List<PendingMessage> batch)
    {
        var links = batch.Skip(1).Where(p => p.SentFrom != default).Take(32).Select(p => new ActivityLink(p.SentFrom));
        var activity = MessagingTelemetry.Source.StartActivity("store messages", ActivityKind.Internal, batch[0].SentFrom, links: links);
        activity?.SetTag("chat.messages.count", batch.Count);
        return activity;
    }
}

using Chat.Api.Accounts;
using Chat.Api.Infrastructure.MongoDB;
using Chat.Api.Validation;
using StackExchange.Redis;

namespace Chat.Api.Blocking;

/// <summary>
/// Blocking (docs/api.md): a blocked user cannot message, react to or type at the blocker, and
/// neither sees the other's presence or read marks; the blocker cannot message them either until
/// they unblock. History stays. Asked on every send, so each user's blocked set is kept in Redis
/// (<c>chat:blocks:{userId}</c>, read back from MongoDB when absent, with a marker member so
/// "loaded, empty" differs from "not loaded"): one Redis round trip answers both directions.
/// A change deletes the copy; the next question loads it again. (A narrow race remains: a copy
/// read from MongoDB just before a change and written just after its delete stays stale until
/// it expires.)
/// </summary>
public sealed class BlockList(BlockStore store, UserStore users, IConnectionMultiplexer redis, TimeProvider time)
{
    private const string Loaded = "-";
    private static readonly TimeSpan KeptFor = TimeSpan.FromMinutes(10);

    private static RedisKey Key(string userId) => $"chat:blocks:{userId}";

    public async Task<ClientError?> BlockAsync(string userId, string? targetId, CancellationToken cancellationToken)
    {
        if (await CheckTargetAsync(userId, targetId, cancellationToken) is { } invalid) return invalid;
        await store.BlockAsync(userId, targetId!, time.UtcNowForStorage(), cancellationToken);
        await redis.GetDatabase().KeyDeleteAsync(Key(userId));
        return null;
    }

    public async Task<ClientError?> UnblockAsync(string userId, string? targetId, CancellationToken cancellationToken)
    {
        if (await CheckTargetAsync(userId, targetId, cancellationToken) is { } invalid) return invalid;
        await store.UnblockAsync(userId, targetId!, cancellationToken);
        await redis.GetDatabase().KeyDeleteAsync(Key(userId));
        return null;
    }

    /// <summary>A deleted account: every block it is part of goes, either way, and so does each one's kept copy.</summary>
    public async Task ForgetUserAsync(string userId, CancellationToken cancellationToken)
    {
        var involving = await store.InvolvingAsync([userId], cancellationToken);
        await store.DeleteInvolvingAsync(userId, cancellationToken);
        var keys = involving.SelectMany(b => new[] { b.BlockerId, b.BlockedId }).Append(userId).Distinct().Select(Key).ToArray();
        await redis.GetDatabase().KeyDeleteAsync(keys);
    }

    /// <summary>Everyone the user blocked, most recent first.</summary>
    public Task<List<string>> BlockedByAsync(string userId, CancellationToken cancellationToken) => store.BlockedByAsync(userId, cancellationToken);

    /// <summary>Whether either of the two blocked the other (one Redis round trip once both sets are loaded).</summary>
    public Task<(bool IBlocked, bool BlockedMe)> BetweenAsync(string userId, string peerId, CancellationToken cancellationToken) =>
        AnswerAsync(Ask(userId, peerId), cancellationToken);

    /// <summary>
    /// The Redis half of the question, sent now and answered later, so that it can travel with
    /// another round trip (the send's rate limit). Only Redis: nothing here reaches MongoDB.
    /// </summary>
    public Question Ask(string userId, string peerId)
    {
        var db = redis.GetDatabase();
        return new Question(userId, peerId, db.SetContainsAsync(Key(userId), [Loaded, peerId]), db.SetContainsAsync(Key(peerId), [Loaded, userId]));
    }

    public sealed record Question(string UserId, string PeerId, Task<bool[]> Mine, Task<bool[]> Theirs);

    /// <summary>Why the asking user may not message (react to, type at) the peer; null when they may.</summary>
    public async Task<ClientError?> RefusalAsync(Question question, CancellationToken cancellationToken) =>
        await AnswerAsync(question, cancellationToken) switch
    {
        (_, BlockedMe: true) => new ClientError(StatusCodes.Status403Forbidden, "You can't message this person"),
        (IBlocked: true, _) => new ClientError(StatusCodes.Status403Forbidden, "You blocked this person",
            Detail: "Unblock them to send them messages."),
        _ => null,
    };

    /// <summary>Why <paramref name="userId"/> may not message (react to, type at) <paramref name="peerId"/>; null when they may.</summary>
    public Task<ClientError?> RefusalAsync(string userId, string peerId, CancellationToken cancellationToken) =>
        RefusalAsync(Ask(userId, peerId), cancellationToken);

    // A set not in Redis (expired, changed) is read from MongoDB and kept again.
    private async Task<(bool IBlocked, bool BlockedMe)> AnswerAsync(Question question, CancellationToken cancellationToken)
    {
        var (iBlocked, blockedMe) = (await question.Mine, await question.Theirs);
        return (iBlocked[0] ? iBlocked[1] : (await LoadAsync(question.UserId, cancellationToken)).Contains(question.PeerId),
            blockedMe[0] ? blockedMe[1] : (await LoadAsync(question.PeerId, cancellationToken)).Contains(question.UserId));
    }

    /// <summary>For each of these users who has any, the people a block separates them from (either way).</summary>
    public async Task<Dictionary<string, HashSet<string>>> SeparatedFromAsync(ICollection<string> userIds, CancellationToken cancellationToken)
    {
        var separated = new Dictionary<string, HashSet<string>>();
        foreach (var block in await store.InvolvingAsync(userIds, cancellationToken))
        {
            if (userIds.Contains(block.BlockerId)) Add(block.BlockerId, block.BlockedId);
            if (userIds.Contains(block.BlockedId)) Add(block.BlockedId, block.BlockerId);
        }
        return separated;

        void Add(string userId, string other) => (separated.TryGetValue(userId, out var set) ? set : separated[userId] = []).Add(other);
    }

    /// <summary>Of <paramref name="userIds"/>, those the user blocked and those who blocked the user.</summary>
    public async Task<(HashSet<string> IBlocked, HashSet<string> BlockedMe)> AmongAsync(
        string userId, IReadOnlyCollection<string> userIds, CancellationToken cancellationToken)
    {
        if (userIds.Count == 0) return ([], []);
        var mine = await MineAsync(userId, cancellationToken);
        return (userIds.Where(mine.Contains).ToHashSet(), await store.WhoBlockedAsync(userId, userIds, cancellationToken));
    }

    private async Task<HashSet<string>> MineAsync(string userId, CancellationToken cancellationToken)
    {
        var members = await redis.GetDatabase().SetMembersAsync(Key(userId));
        return members.Length > 0 ? members.Select(m => m.ToString()).Where(m => m != Loaded).ToHashSet() : await LoadAsync(userId, cancellationToken);
    }

    private async Task<HashSet<string>> LoadAsync(string userId, CancellationToken cancellationToken)
    {
        var blocked = await store.BlockedByAsync(userId, cancellationToken);
        var db = redis.GetDatabase();
        var batch = db.CreateBatch();
        var added = batch.SetAddAsync(Key(userId), [Loaded, .. blocked.Select(id => (RedisValue)id)]);
        var expires = batch.KeyExpireAsync(Key(userId), KeptFor);
        batch.Execute();
        await Task.WhenAll(added, expires);
        return blocked.ToHashSet();
    }

    private async Task<ClientError?> CheckTargetAsync(string userId, string? targetId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(targetId) || !UserIds.IsCanonical(targetId)) return ClientError.NotFound("User");
        if (targetId == userId) return ClientError.Invalid("id", "You cannot block yourself.");
        return await users.FindByIdAsync(targetId, cancellationToken) is null ? ClientError.NotFound("User") : null;
    }
}

using System.Collections.Concurrent;

namespace Chat.Api.Infrastructure;

/// <summary>
/// What a replica keeps in memory of something it reads often and that changes rarely (a group's
/// members, a user's push devices): each copy lives at most <c>keptFor</c>, a copy read while a
/// drop happened is not kept (it may predate the change), and the whole store is cleared past
/// <c>maxKept</c> entries. The owner drops a copy when a change is announced (here and on every
/// replica, over its own Redis channel); <c>keptFor</c> bounds how stale a replica can be if a
/// notice is lost.
/// </summary>
public sealed class KeptCopies<T>(TimeSpan keptFor, int maxKept, TimeProvider time) where T : class
{
    private readonly ConcurrentDictionary<string, (T Value, long ReadAt)> _kept = new();
    // Counts drops: a copy read while one happened may predate it, so it is not kept.
    private long _drops;

    /// <summary>The kept copy, or what <paramref name="read"/> answers (kept when not null and no drop came meanwhile).</summary>
    public async Task<T?> GetAsync(string key, Func<Task<T?>> read)
    {
        if (Peek(key) is { } kept) return kept;
        var drops = Interlocked.Read(ref _drops);
        var value = await read();
        if (value is not null && Interlocked.Read(ref _drops) == drops) Keep(key, value);
        return value;
    }

    /// <summary>
    /// The copies of many keys: the kept ones, and the others from one call of <paramref name="readMissing"/>
    /// (a key it does not answer is left out), kept as <see cref="GetAsync"/> keeps them.
    /// </summary>
    public async Task<Dictionary<string, T>> GetManyAsync(
        IEnumerable<string> keys, Func<IReadOnlyList<string>, Task<IReadOnlyDictionary<string, T>>> readMissing)
    {
        var found = new Dictionary<string, T>();
        var missing = new List<string>();
        foreach (var key in keys.Distinct())
        {
            if (Peek(key) is { } kept) found[key] = kept;
            else missing.Add(key);
        }
        if (missing.Count == 0) return found;
        var drops = Interlocked.Read(ref _drops);
        var read = await readMissing(missing);
        var keep = Interlocked.Read(ref _drops) == drops;
        foreach (var (key, value) in read)
        {
            found[key] = value;
            if (keep) Keep(key, value);
        }
        return found;
    }

    /// <summary>The kept copy if there is a fresh one; nothing is read.</summary>
    public T? Peek(string key) =>
        _kept.TryGetValue(key, out var kept) && time.GetElapsedTime(kept.ReadAt) < keptFor ? kept.Value : null;

    private void Keep(string key, T value)
    {
        if (_kept.Count >= maxKept) _kept.Clear();
        _kept[key] = (value, time.GetTimestamp());
    }

    public void Drop(string key)
    {
        Interlocked.Increment(ref _drops);
        _kept.TryRemove(key, out _);
    }
}

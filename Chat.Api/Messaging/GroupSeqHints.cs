using System.Collections.Concurrent;
using System.Globalization;
using Chat.Api.Infrastructure;
using StackExchange.Redis;

namespace Chat.Api.Messaging;

/// <summary>
/// The seqs each replica stores in groups, told to the others (a Redis channel), so that their
/// next insert into a busy group starts after it instead of colliding with it. A pair is mostly
/// written by one replica at a time; a group with members on every replica is written by all of
/// them at once, and without this nearly every insert would first meet the other replica's
/// seq. Only a hint: the unique (conversation, seq) index stays the judge, and a lost
/// announcement costs one refused insert.
/// </summary>
public sealed class GroupSeqHints(IConnectionMultiplexer redis, ILogger<GroupSeqHints> logger) : BackgroundService
{
    private static readonly RedisChannel Channel = RedisChannel.Literal("chat:group-seqs");
    private const int MaxRemembered = 100_000;
    private readonly ConcurrentDictionary<string, long> _heard = new();

    /// <summary>The highest seq another replica announced for the conversation (0: none).</summary>
    public long Heard(string conversationId) => _heard.GetValueOrDefault(conversationId);

    /// <summary>Tells every replica (without waiting: a hint must not slow the send).</summary>
    public void Announce(string conversationId, long seq) =>
        redis.GetSubscriber().Publish(Channel, $"{conversationId} {seq.ToString(CultureInfo.InvariantCulture)}", CommandFlags.FireAndForget);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        RedisSubscriptions.SubscribeWhenRedisAnswersAsync(
            () => redis.GetSubscriber().SubscribeAsync(Channel, (_, message) => Hear(message!)), Channel, logger, stoppingToken);

    private void Hear(string message)
    {
        if (message.Split(' ') is not [var conversationId, var text] || !long.TryParse(text, CultureInfo.InvariantCulture, out var seq)) return;
        if (_heard.Count > MaxRemembered) _heard.Clear();
        _heard.AddOrUpdate(conversationId, seq, (_, known) => Math.Max(known, seq));
    }
}

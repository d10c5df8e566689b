using StackExchange.Redis;

namespace Chat.Api.Infrastructure;

/// <summary>The channels replicas tell each other of a change on (each keeps a copy it must drop).</summary>
public static class RedisSubscriptions
{
    private static readonly TimeSpan Retry = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Tells every replica that <paramref name="message"/> changed. The change is stored already: if
    /// Redis does not take the notice, the other replicas' copies last at most <paramref name="staleFor"/>.
    /// </summary>
    public static async Task AnnounceAsync(IConnectionMultiplexer redis, RedisChannel channel, string message, TimeSpan staleFor, ILogger logger)
    {
        try
        {
            await redis.GetSubscriber().PublishAsync(channel, message);
        }
        catch (RedisException ex)
        {
            logger.LogWarning(ex, "Change of {Key} not announced on {Channel}; other replicas see it within {StaleFor}.", message, channel, staleFor);
        }
    }

    /// <summary>
    /// Subscribes in the background, retrying until Redis answers: a replica starts (and reports
    /// unhealthy) while Redis is late, instead of failing at boot. Once subscribed, the
    /// multiplexer restores the subscription by itself after a reconnect.
    /// </summary>
    public static async Task SubscribeWhenRedisAnswersAsync(Func<Task> subscribe, RedisChannel channel, ILogger logger, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await subscribe();
                return;
            }
            catch (RedisException ex)
            {
                logger.LogWarning(ex, "Could not subscribe to {Channel} yet; retrying.", channel);
                await Task.Delay(Retry, stoppingToken);
            }
        }
    }
}

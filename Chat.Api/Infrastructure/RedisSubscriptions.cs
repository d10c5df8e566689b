using StackExchange.Redis;

namespace Chat.Api.Infrastructure;

public static class RedisSubscriptions
{
    private static readonly TimeSpan Retry = TimeSpan.FromSeconds(2);

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

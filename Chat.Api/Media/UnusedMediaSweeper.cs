using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Chat.Api.Media;

/// <summary>
/// Removes uploads that no message or avatar used within a day (their files and records): each
/// interval, one replica (whichever takes the Redis lock) sweeps.
/// </summary>
public sealed class UnusedMediaSweeper(
    MediaService media, IConnectionMultiplexer redis, IOptions<MediaOptions> options, ILogger<UnusedMediaSweeper> logger) : BackgroundService
{
    private static readonly RedisKey Lock = "chat:media:sweep";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.SweepInterval;
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    if (!await redis.GetDatabase().StringSetAsync(Lock, 1, interval, When.NotExists)) continue;
                    var deleted = await media.DeleteUnusedAsync(stoppingToken);
                    if (deleted > 0) logger.LogInformation("Removed {Count} unused uploads.", deleted);
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException or MongoDB.Driver.MongoException)
                {
                    logger.LogWarning(ex, "The unused-media sweep failed; retrying on the next tick.");
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }
}

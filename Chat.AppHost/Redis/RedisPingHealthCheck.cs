using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Chat.AppHost.Redis;

/// <summary>Healthy when Redis answers PING; the connection string is resolved once the port is allocated.</summary>
public sealed class RedisPingHealthCheck(Func<CancellationToken, ValueTask<string?>> connectionString)
    : IHealthCheck, IDisposable
{
    private ConnectionMultiplexer? _connection;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            if (_connection is null)
            {
                var value = await connectionString(cancellationToken);
                if (string.IsNullOrEmpty(value)) return HealthCheckResult.Unhealthy("Redis has no connection string yet.");
                var options = ConfigurationOptions.Parse(value);
                options.AbortOnConnectFail = false;
                options.ConnectTimeout = 2000;
                _connection = await ConnectionMultiplexer.ConnectAsync(options);
            }
            await _connection.GetDatabase().PingAsync();
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy("Redis did not answer PING.", ex);
        }
    }

    public void Dispose() => _connection?.Dispose();
}

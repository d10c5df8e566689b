using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Chat.Api.Infrastructure;

/// <summary>Unhealthy once the replica is stopping, so /health turns a load balancer away while requests in flight finish.</summary>
public sealed class StoppingHealthCheck(IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(lifetime.ApplicationStopping.IsCancellationRequested
            ? HealthCheckResult.Unhealthy("Stopping.")
            : HealthCheckResult.Healthy());
}

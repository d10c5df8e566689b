using Chat.AppHost.Infrastructure;
using Chat.AppHost.Redis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aspire.Hosting;

public static class RedisHostingExtensions
{
    /// <summary>Redis as Aspire's container (with a data volume) or as a local redis-server.</summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddChatRedis(
        this IDistributedApplicationBuilder builder, string name, InfrastructureMode mode, InfrastructureReport report)
    {
        if (mode == InfrastructureMode.Containers)
        {
            report.Add(name, "redis container (Aspire.Hosting.Redis) with a data volume");
            return builder.AddRedis(name).WithDataVolume().WithLifetime(ContainerLifetime.Persistent);
        }

        var resource = new RedisServerResource(name, builder.AppHostDirectory);
        var check = new RedisPingHealthCheck(resource.ConnectionStringExpression.GetValueAsync);
        var key = $"{name}_redis_ping";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(key, _ => check, HealthStatus.Unhealthy, tags: null));
        report.Add(name, "redis-server process (no persistence)");
        return builder.AddResource(resource)
            .WithEndpoint(name: "tcp", scheme: "tcp", port: LocalPorts.Free(), isProxied: false)
            .WithArgs(context =>
            {
                context.Args.Add("--port");
                context.Args.Add(resource.PrimaryEndpoint.Property(EndpointProperty.TargetPort));
                context.Args.Add("--bind");
                context.Args.Add("127.0.0.1");
                context.Args.Add("--save");
                context.Args.Add("");
                context.Args.Add("--appendonly");
                context.Args.Add("no");
            })
            .WithHealthCheck(key);
    }
}

using Chat.AppHost.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting;

public static class TraceSamplingExtensions
{
    public const string ConfigurationKey = "Telemetry:TraceSampleRatio";

    /// <summary>
    /// By default every span of every request goes to the dashboard, which is what a developer
    /// wants. Under load, the dashboard's ingestion of it all costs more CPU than the API itself
    /// (BENCHMARKS.md), so load tests and busy deployments sample: with Telemetry:TraceSampleRatio
    /// set, traces are kept at that ratio (OpenTelemetry's standard OTEL_TRACES_SAMPLER variables;
    /// a sampled request keeps its whole trace across services). Metrics are not sampled.
    /// </summary>
    public static IResourceBuilder<T> WithTraceSampling<T>(
        this IResourceBuilder<T> project, IConfiguration configuration, InfrastructureReport report)
        where T : IResourceWithEnvironment
    {
        if (configuration[ConfigurationKey] is not { Length: > 0 } ratio) return project;
        report.Add($"{project.Resource.Name} traces", $"sampled at {ratio} ({ConfigurationKey})");
        return project
            .WithEnvironment("OTEL_TRACES_SAMPLER", "parentbased_traceidratio")
            .WithEnvironment("OTEL_TRACES_SAMPLER_ARG", ratio);
    }
}

using Chat.AppHost.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting;

public static class TraceSamplingExtensions
{
    public const string Section = "Telemetry";
    public static readonly string[] Settings = ["TracesPerSecond", "SlowSpanMilliseconds"];

    /// <summary>
    /// Each service exports a steady sample of traces (10 new ones per second per process by
    /// default), every failed span and every slow one (ServiceDefaults' TraceSamplingOptions):
    /// under load the dashboard's ingestion of every span cost more CPU than the API itself
    /// (BENCHMARKS.md). <c>--Telemetry:TracesPerSecond=N</c> and <c>--Telemetry:SlowSpanMilliseconds=N</c>
    /// on the AppHost's command line reach every service. Metrics are not sampled.
    /// </summary>
    public static IResourceBuilder<T> WithTraceSampling<T>(
        this IResourceBuilder<T> project, IConfiguration configuration, InfrastructureReport report)
        where T : IResourceWithEnvironment
    {
        foreach (var setting in Settings)
        {
            if (configuration[$"{Section}:{setting}"] is not { Length: > 0 } value) continue;
            report.Add("traces", $"{Section}:{setting}={value}");
            project.WithEnvironment($"{Section}__{setting}", value);
        }
        return project;
    }
}

using Chat.AppHost.Infrastructure;

namespace Chat.Tests.Unit.AppHost;

public class TraceSamplingTests
{
    [Fact]
    public async Task A_configured_ratio_becomes_the_standard_OpenTelemetry_sampler_variables()
    {
        var builder = DistributedApplication.CreateBuilder();
        builder.Configuration[TraceSamplingExtensions.ConfigurationKey] = "0.05";
        var service = builder.AddExecutable("service", "service", ".").WithTraceSampling(builder.Configuration, new InfrastructureReport());

        var environment = await EnvironmentOfAsync(service.Resource);

        Assert.Equal("parentbased_traceidratio", environment["OTEL_TRACES_SAMPLER"]);
        Assert.Equal("0.05", environment["OTEL_TRACES_SAMPLER_ARG"]);
    }

    [Fact]
    public async Task Without_a_ratio_every_trace_is_kept()
    {
        var builder = DistributedApplication.CreateBuilder();
        var service = builder.AddExecutable("service", "service", ".").WithTraceSampling(builder.Configuration, new InfrastructureReport());

        var environment = await EnvironmentOfAsync(service.Resource);

        Assert.False(environment.ContainsKey("OTEL_TRACES_SAMPLER"));
    }

    // What the orchestrator would give the process: every environment callback, run as at start.
    internal static async Task<Dictionary<string, object>> EnvironmentOfAsync(IResource resource)
    {
        var context = new EnvironmentCallbackContext(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Run));
        foreach (var callback in resource.Annotations.OfType<EnvironmentCallbackAnnotation>()) await callback.Callback(context);
        return context.EnvironmentVariables;
    }
}

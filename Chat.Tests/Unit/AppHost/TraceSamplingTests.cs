using Chat.AppHost.Infrastructure;

namespace Chat.Tests.Unit.AppHost;

public class TraceSamplingTests
{
    [Fact]
    public async Task The_trace_budget_given_to_the_AppHost_reaches_the_service()
    {
        var builder = DistributedApplication.CreateBuilder();
        builder.Configuration["Telemetry:TracesPerSecond"] = "2.5";
        builder.Configuration["Telemetry:SlowSpanMilliseconds"] = "100";
        var service = builder.AddExecutable("service", "service", ".").WithTraceSampling(builder.Configuration, new InfrastructureReport());

        var environment = await EnvironmentOfAsync(service.Resource);

        Assert.Equal("2.5", environment["Telemetry__TracesPerSecond"]);
        Assert.Equal("100", environment["Telemetry__SlowSpanMilliseconds"]);
    }

    [Fact]
    public async Task Without_settings_the_service_keeps_its_defaults()
    {
        var builder = DistributedApplication.CreateBuilder();
        var service = builder.AddExecutable("service", "service", ".").WithTraceSampling(builder.Configuration, new InfrastructureReport());

        var environment = await EnvironmentOfAsync(service.Resource);

        Assert.DoesNotContain(environment.Keys, key => key.StartsWith("Telemetry__", StringComparison.Ordinal));
    }

    // What the orchestrator would give the process: every environment callback, run as at start.
    internal static async Task<Dictionary<string, object>> EnvironmentOfAsync(IResource resource)
    {
        var context = new EnvironmentCallbackContext(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Run));
        foreach (var callback in resource.Annotations.OfType<EnvironmentCallbackAnnotation>()) await callback.Callback(context);
        return context.EnvironmentVariables;
    }
}

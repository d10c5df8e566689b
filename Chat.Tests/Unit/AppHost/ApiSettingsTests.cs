using Chat.AppHost.Infrastructure;

namespace Chat.Tests.Unit.AppHost;

public class ApiSettingsTests
{
    [Fact]
    public async Task The_apphosts_rate_limit_and_group_settings_reach_the_api_as_environment_variables()
    {
        var builder = DistributedApplication.CreateBuilder();
        builder.Configuration["RateLimits:Send:PermitLimit"] = "100000";
        builder.Configuration["RateLimits:MaxConnectionsPerUser"] = "500";
        builder.Configuration["Groups:MaxMembers"] = "1000";
        var api = builder.AddExecutable("api", "api", ".").WithApiSettings(builder.Configuration, new InfrastructureReport());

        var environment = await TraceSamplingTests.EnvironmentOfAsync(api.Resource);

        Assert.Equal("100000", environment["RateLimits__Send__PermitLimit"]);
        Assert.Equal("500", environment["RateLimits__MaxConnectionsPerUser"]);
        Assert.Equal("1000", environment["Groups__MaxMembers"]);
    }

    [Fact]
    public async Task Without_settings_the_api_keeps_its_defaults()
    {
        var builder = DistributedApplication.CreateBuilder();
        var api = builder.AddExecutable("api", "api", ".").WithApiSettings(builder.Configuration, new InfrastructureReport());

        var environment = await TraceSamplingTests.EnvironmentOfAsync(api.Resource);

        Assert.DoesNotContain(environment.Keys, k => k.StartsWith("RateLimits__", StringComparison.Ordinal) || k.StartsWith("Groups__", StringComparison.Ordinal));
    }
}

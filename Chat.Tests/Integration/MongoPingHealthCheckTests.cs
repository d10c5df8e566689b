using Chat.AppHost.MongoDB;
using Chat.Tests.Support;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Chat.Tests.Integration;

/// <summary>The AppHost's MongoDB health check against a real MongoDB-wire server.</summary>
public class MongoPingHealthCheckTests
{
    [Fact]
    public async Task Health_check_is_healthy_while_the_server_answers_and_unhealthy_once_it_stops()
    {
        await using var mongo = await MongoStandInProcess.StartAsync();
        using var check = new MongoPingHealthCheck(_ => ValueTask.FromResult<string?>(mongo.ConnectionString("chatdb")));
        var context = new HealthCheckContext
        {
            Registration = new HealthCheckRegistration("mongo", check, HealthStatus.Unhealthy, tags: null),
        };

        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(context)).Status);

        await mongo.KillAsync();

        var afterStop = await check.CheckHealthAsync(context);
        Assert.Equal(HealthStatus.Unhealthy, afterStop.Status);
        Assert.Contains("ping", afterStop.Description);
    }
}

using Chat.AppHost.Infrastructure;

namespace Chat.Tests.Unit.AppHost;

public class InfrastructureModeDecisionTests
{
    [Theory]
    [InlineData(null, true, InfrastructureMode.Containers)]
    [InlineData(null, false, InfrastructureMode.Executables)]
    [InlineData("", true, InfrastructureMode.Containers)]
    [InlineData("auto", false, InfrastructureMode.Executables)]
    [InlineData(" Auto ", true, InfrastructureMode.Containers)]
    public async Task Auto_mode_follows_whether_a_container_runtime_answers(string? configured, bool answers, InfrastructureMode expected)
    {
        var (mode, reason) = await InfrastructureModeDecision.DecideAsync(configured, () => Task.FromResult(answers));

        Assert.Equal(expected, mode);
        Assert.Contains(answers ? "answered" : "no container runtime", reason);
    }

    [Theory]
    [InlineData("containers", InfrastructureMode.Containers)]
    [InlineData("EXECUTABLES", InfrastructureMode.Executables)]
    public async Task A_forced_mode_wins_and_skips_the_runtime_probe(string configured, InfrastructureMode expected)
    {
        var probed = false;

        var (mode, reason) = await InfrastructureModeDecision.DecideAsync(configured, () =>
        {
            probed = true;
            return Task.FromResult(expected == InfrastructureMode.Executables);
        });

        Assert.Equal(expected, mode);
        Assert.False(probed);
        Assert.Contains("forced", reason);
    }

    [Fact]
    public async Task An_unknown_mode_is_refused_with_the_valid_choices()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(
            () => InfrastructureModeDecision.DecideAsync("kubernetes", () => Task.FromResult(true)));

        Assert.Contains("'containers', 'executables' or 'auto'", error.Message);
    }
}

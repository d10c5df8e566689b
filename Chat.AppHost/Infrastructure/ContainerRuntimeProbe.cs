using System.Diagnostics;

namespace Chat.AppHost.Infrastructure;

/// <summary>
/// Asks the container CLI Aspire would use (docker unless ASPIRE_CONTAINER_RUNTIME says podman)
/// whether its engine answers. Without an engine, container resources would sit in
/// RuntimeUnhealthy and everything that waits for them would wait forever.
/// </summary>
public static class ContainerRuntimeProbe
{
    public static async Task<bool> AnswersAsync(string? configuredRuntime, TimeSpan timeout)
    {
        var cli = string.IsNullOrWhiteSpace(configuredRuntime) ? "docker" : configuredRuntime.Trim();
        try
        {
            using var process = Process.Start(new ProcessStartInfo(cli, ["info", "--format", "{{.ServerVersion}}"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
            if (process is null) return false;
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                return false;
            }
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // the CLI is not installed
        }
    }
}

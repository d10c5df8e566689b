namespace Chat.AppHost.Infrastructure;

/// <summary>How the AppHost runs Redis and MongoDB when no connection string points elsewhere.</summary>
public enum InfrastructureMode
{
    /// <summary>Official images (mongo:8, redis) with data volumes: the normal Aspire experience with Docker or Podman.</summary>
    Containers,

    /// <summary>Local processes (redis-server, mongod or the MongoDB-wire stand-in): machines without a container engine.</summary>
    Executables,
}

public static class InfrastructureModeDecision
{
    /// <summary>Configuration key that forces a mode: <c>containers</c>, <c>executables</c> or <c>auto</c> (the default).</summary>
    public const string ConfigurationKey = "Infrastructure:Mode";

    /// <summary>
    /// Chooses the mode from the configured setting and, when set to auto, from whether a
    /// container runtime answered. <paramref name="containerRuntimeAnswers"/> is only called
    /// in auto mode, because probing the runtime costs time.
    /// </summary>
    public static async Task<(InfrastructureMode Mode, string Reason)> DecideAsync(
        string? configured, Func<Task<bool>> containerRuntimeAnswers)
    {
        switch (configured?.Trim().ToLowerInvariant())
        {
            case "containers":
                return (InfrastructureMode.Containers, $"forced by {ConfigurationKey}");
            case "executables":
                return (InfrastructureMode.Executables, $"forced by {ConfigurationKey}");
            case null or "" or "auto":
                return await containerRuntimeAnswers()
                    ? (InfrastructureMode.Containers, "a container runtime answered")
                    : (InfrastructureMode.Executables, "no container runtime answered");
            default:
                throw new ArgumentException(
                    $"{ConfigurationKey} is '{configured}'; use 'containers', 'executables' or 'auto'.");
        }
    }
}

namespace Chat.Api.Infrastructure;

/// <summary>
/// Identifies this API replica for the life of the process. Every response carries it in
/// <c>X-Chat-Instance</c>, so clients and tests can tell which replica served them.
/// </summary>
public sealed record ApiInstance(string Id)
{
    public const string HeaderName = "X-Chat-Instance";

    // Random per process: unique across machines and restarts, and it tells a client nothing
    // about the host (its name, a process id). The replica logs its id at start, so an operator
    // can find it; the load-test tool finds a local replica's process by asking its ports.
    public static ApiInstance ForThisProcess() => new($"api-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6))}");
}

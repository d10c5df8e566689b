namespace Chat.Api.Infrastructure;

/// <summary>
/// Identifies this API replica for the life of the process. Every response carries it in
/// <c>X-Chat-Instance</c>, so clients and tests can tell which replica served them.
/// </summary>
public sealed record ApiInstance(string Id)
{
    public const string HeaderName = "X-Chat-Instance";

    // Host name + process id is unique on one machine (local replicas) and across machines
    // (cloud replicas), and says where to look when a replica misbehaves.
    public static ApiInstance ForThisProcess() => new($"{Environment.MachineName}-{Environment.ProcessId}");
}

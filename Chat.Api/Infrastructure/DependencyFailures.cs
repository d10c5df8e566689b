using Chat.Api.Validation;
using MongoDB.Driver;
using StackExchange.Redis;

namespace Chat.Api.Infrastructure;

/// <summary>
/// What the API answers when MongoDB or Redis does not: a quick, clear "try again" (503 with
/// Retry-After over REST, a HubException over the hub) instead of a hang or a 500. Every REST
/// request and hub call has a deadline (<see cref="RequestTimeout"/>, ASP.NET Core's request
/// timeouts; a send gets <see cref="SendTimeout"/>, uploads <see cref="UploadTimeout"/>), which the MongoDB driver honours (it does
/// not apply its own socket timeout to operations); Redis commands time out after
/// <see cref="RedisTimeout"/>; finding or connecting to MongoDB after <see cref="MongoConnectTimeout"/>.
/// A client's retry with the same clientMessageId is safe: a send stored after all returns the original.
/// </summary>
public static class DependencyFailures
{
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);
    /// <summary>
    /// A send's: its whole path takes milliseconds when the stores answer, so a stalled store is
    /// told to the client (whose outbox retries with the same clientMessageId) within 2 s rather than 5.
    /// </summary>
    public static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan UploadTimeout = TimeSpan.FromSeconds(90);
    public const string SendPolicy = "send";
    public static readonly TimeSpan MongoConnectTimeout = TimeSpan.FromSeconds(4);
    public static readonly TimeSpan RedisTimeout = TimeSpan.FromSeconds(2);
    public const string UploadPolicy = "upload";
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(2);

    /// <summary>The store or the backplane did not answer (or answered that it cannot), as opposed to a bug.</summary>
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        TimeoutException or MongoConnectionException or MongoExecutionTimeoutException or MongoNotPrimaryException
            or MongoNodeIsRecoveringException or MongoWaitQueueFullException
            // After a connection to a stalled server fails, the driver pauses its pool until the
            // server answers again: every operation meanwhile meets this.
            or MongoConnectionPoolPausedException
            or RedisConnectionException or RedisTimeoutException => true,
        InvalidOperationException when ThrownByRedisConnection(exception) => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsUnavailable),
        _ => exception.InnerException is { } inner && IsUnavailable(inner),
    };

    /// <summary>
    /// StackExchange.Redis drops a connection whose server stalls, and completes the pipe its reader
    /// reads; a command still waiting on that reader then fails with the pipe's "Reading is not
    /// allowed after reader was completed" (seen under a Redis freeze on a loaded machine), not
    /// with a RedisConnectionException. It is the connection failing all the same.
    /// </summary>
    private static bool ThrownByRedisConnection(Exception exception) =>
        new System.Diagnostics.StackTrace(exception).GetFrames().Any(frame =>
            frame.GetMethod()?.DeclaringType is { } type && type.Assembly == typeof(IConnectionMultiplexer).Assembly
            && type.FullName?.StartsWith("StackExchange.Redis.PhysicalConnection", StringComparison.Ordinal) == true);

    /// <summary>A call's own deadline, for hub calls (REST requests get theirs from the request-timeouts middleware).</summary>
    public static CancellationTokenSource Deadline(CancellationToken callAborted, TimeSpan? timeout = null)
    {
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(callAborted);
        deadline.CancelAfter(timeout ?? RequestTimeout);
        return deadline;
    }

    public static readonly ClientError Unavailable = new(StatusCodes.Status503ServiceUnavailable, "Service unavailable",
        Detail: "Chat's storage is not answering right now; nothing was changed. Try again in a moment.", RetryAfter: RetryAfter);
}

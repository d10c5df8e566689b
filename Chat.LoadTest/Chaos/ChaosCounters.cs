using System.Collections.Concurrent;

namespace Chat.LoadTest.Chaos;

/// <summary>What the clients of a chaos run met: answers by status, hub refusals, broken connections.</summary>
public sealed class ChaosCounters
{
    private readonly ConcurrentDictionary<int, long> _statuses = new();
    private readonly ConcurrentDictionary<string, long> _hubRefusals = new();
    private long _networkFailures, _duplicatePushes, _gaveUp;

    public IReadOnlyDictionary<int, long> Statuses => _statuses;
    public IReadOnlyDictionary<string, long> HubRefusals => _hubRefusals;
    public long NetworkFailures => Interlocked.Read(ref _networkFailures);
    public long DuplicatePushes => Interlocked.Read(ref _duplicatePushes);
    /// <summary>Sends still unacknowledged when the run stopped (not losses: never acknowledged).</summary>
    public long GaveUp => Interlocked.Read(ref _gaveUp);

    /// <summary>
    /// Answers that mean a bug on the server's side: any 5xx but the designed 503 "try again" and
    /// the front's 502 for a replica that died mid-request, and hub calls that failed with SignalR's
    /// generic error (an exception the server did not turn into a refusal).
    /// </summary>
    public long ServerErrors => _statuses.Where(s => s.Key >= 500 && s.Key is not (503 or 502)).Sum(s => s.Value)
        + _hubRefusals.Where(r => r.Key.Contains(UnexpectedHubError, StringComparison.Ordinal)).Sum(r => r.Value);

    /// <summary>What SignalR tells a client when a hub method throws anything but a HubException.</summary>
    public const string UnexpectedHubError = "An unexpected error occurred";

    private readonly ConcurrentQueue<string> _serverErrorBodies = new();

    /// <summary>The first few server errors' bodies (their ProblemDetails), so a failed run says what went wrong.</summary>
    public IEnumerable<string> ServerErrorBodies => _serverErrorBodies;

    public void ServerError(string body)
    {
        if (_serverErrorBodies.Count < 3) _serverErrorBodies.Enqueue(body.Length > 2600 ? body[..2600] : body);
    }

    private long _slowestRefusalTicks;

    /// <summary>The longest a refused send (a non-2xx answer) took to be answered: a stall must not make clients wait.</summary>
    public TimeSpan SlowestRefusal => TimeSpan.FromTicks(Interlocked.Read(ref _slowestRefusalTicks));

    public void Status(int status) => _statuses.AddOrUpdate(status, 1, (_, n) => n + 1);

    public void Refused(TimeSpan took)
    {
        long current;
        while (took.Ticks > (current = Interlocked.Read(ref _slowestRefusalTicks)) && Interlocked.CompareExchange(ref _slowestRefusalTicks, took.Ticks, current) != current)
        {
        }
    }
    public void HubRefusal(string message) => _hubRefusals.AddOrUpdate(Shorten(message), 1, (_, n) => n + 1);
    public void NetworkFailure() => Interlocked.Increment(ref _networkFailures);
    public void DuplicatePush() => Interlocked.Increment(ref _duplicatePushes);
    public void Stopped() => Interlocked.Increment(ref _gaveUp);

    private static string Shorten(string message)
    {
        var reason = message.Contains("HubException: ", StringComparison.Ordinal) ? message[(message.IndexOf("HubException: ", StringComparison.Ordinal) + 14)..] : message;
        return reason.Length > 80 ? reason[..80] : reason;
    }
}

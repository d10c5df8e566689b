using System.Diagnostics;

namespace Chat.LoadTest.Measurement;

/// <summary>
/// The open-loop schedule every rate scenario uses: each sender sends in turn at rate / senders,
/// the senders' send times spread evenly over one interval, one send at a time per sender (so a
/// sender's messages are stored, and pushed, in its order). A send late for its slot goes at once.
/// </summary>
public static class PacedSenders
{
    /// <param name="started">The run's start (a Stopwatch timestamp) the schedule counts from.</param>
    /// <param name="send">One send: the sender, its slot since the start, whether the slot is in the measured window (after the warm-up).</param>
    public static Task RunAsync<T>(IReadOnlyList<T> senders, double rate, TimeSpan warmup, TimeSpan total, long started,
        Func<T, TimeSpan, bool, Task> send)
    {
        var interval = TimeSpan.FromSeconds(senders.Count / rate);
        return Task.WhenAll(senders.Select(async (sender, index) =>
        {
            var next = TimeSpan.FromTicks(interval.Ticks * index / senders.Count);
            while (next < total)
            {
                var wait = next - Stopwatch.GetElapsedTime(started);
                if (wait > TimeSpan.Zero) await Task.Delay(wait);
                await send(sender, next, next >= warmup);
                next += interval;
            }
        }));
    }
}

namespace Chat.LoadTest.Measurement;

/// <summary>Percentiles of a set of latencies (nearest-rank), for the tool's reports.</summary>
public sealed class LatencyStats
{
    private readonly double[] _sortedMs;

    public LatencyStats(IEnumerable<TimeSpan> samples)
    {
        _sortedMs = samples.Select(s => s.TotalMilliseconds).Order().ToArray();
    }

    public int Count => _sortedMs.Length;

    /// <summary>The smallest sample with at least <paramref name="percent"/>% of samples at or below it.</summary>
    public double Percentile(double percent)
    {
        if (_sortedMs.Length == 0) return double.NaN;
        if (percent is < 0 or > 100) throw new ArgumentOutOfRangeException(nameof(percent));
        var rank = (int)Math.Ceiling(percent / 100 * _sortedMs.Length);
        return _sortedMs[Math.Max(rank, 1) - 1];
    }

    public double Median => Percentile(50);
    public double Max => _sortedMs.Length == 0 ? double.NaN : _sortedMs[^1];
}

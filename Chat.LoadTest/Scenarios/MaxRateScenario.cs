namespace Chat.LoadTest.Scenarios;

/// <summary>
/// Finds the highest total rate whose p99 delivery latency stays within a bound: fixed-rate
/// steps with the same connected pairs, doubling from a start rate until a step fails, then
/// halving the interval between the last passing and the first failing rate. A step fails when
/// its p99 delivery exceeds the bound, any message is lost, duplicated, reordered or refused,
/// or the cluster does not keep up (achieved throughput below 95 % of the target).
/// </summary>
public static class MaxRateScenario
{
    public sealed record Options(MessagesScenario.Options Step, double BoundMs, double StartRate, double MaxRate, int Refinements);

    public sealed record Step(double Rate, MessagesScenario.Report Report, bool Passed, string Verdict);

    public sealed record Result(double? HighestPassingRate, IReadOnlyList<Step> Steps);

    public static async Task<Result> RunAsync(Options options, Action<Step> onStep, Action<string>? progress = null)
    {
        await using var crowd = await MessagesScenario.Crowd.ConnectAsync(options.Step.Url, options.Step.Pairs, options.Step.MongoConnectionString);
        var steps = new List<Step>();
        double? passing = null, failing = null;

        async Task<bool> TryAsync(double rate)
        {
            var report = await MessagesScenario.RunAsync(crowd, options.Step with { Rate = rate }, progress);
            var (passed, verdict) = Judge(rate, report, options.BoundMs);
            var step = new Step(rate, report, passed, verdict);
            steps.Add(step);
            onStep(step);
            return passed;
        }

        for (var rate = options.StartRate; rate <= options.MaxRate; rate *= 2)
        {
            if (await TryAsync(rate)) passing = rate;
            else
            {
                failing = rate;
                break;
            }
        }
        for (var i = 0; i < options.Refinements && failing is { } high; i++)
        {
            var low = passing ?? 0;
            var middle = Math.Round((low + high) / 2);
            if (middle <= low || middle >= high) break;
            if (await TryAsync(middle)) passing = middle;
            else failing = middle;
        }
        return new Result(passing, steps);
    }

    public static (bool Passed, string Verdict) Judge(double rate, MessagesScenario.Report report, double boundMs)
    {
        if (!report.Clean) return (false, $"faults: {report.Errors} errors, {report.Lost} lost, {report.Duplicates} dupes, {report.OutOfOrder} reordered");
        if (report.Throughput < 0.95 * rate) return (false, $"fell behind: {report.Throughput:F0} of {rate:F0} msg/s");
        var p99 = report.Delivery.Percentile(99);
        return p99 <= boundMs ? (true, $"p99 {p99:F1} ms ≤ {boundMs} ms") : (false, $"p99 {p99:F1} ms > {boundMs} ms");
    }
}

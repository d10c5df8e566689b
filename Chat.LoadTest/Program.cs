using Chat.LoadTest.Scenarios;

// Drives a running Chat cluster through its public API only, as real clients would.
//   dotnet run -c Release --project Chat.LoadTest -- accounts --url http://localhost:5181 --users 200 --concurrency 8
//   dotnet run -c Release --project Chat.LoadTest -- messages --url http://localhost:5180 --pairs 10 --rate 20 --duration 20
//   dotnet run -c Release --project Chat.LoadTest -- max-rate --pairs 50 --bound-ms 50 --mongo mongodb://...
//   dotnet run -c Release --project Chat.LoadTest -- group-fanout --members 256 --rates 10 --duration 20
//   dotnet run -c Release --project Chat.LoadTest -- push --pairs 20 --rate 100 --push-port 8090   (cluster started with --Push:AllowedHosts:0=127.0.0.1:8090)
var options = Arguments.Parse(args.Skip(1));
var invariant = System.Globalization.CultureInfo.InvariantCulture;
MessagesScenario.Options MessagesOptions() => new(
    new Uri(options.GetValueOrDefault("url", "http://localhost:5180")),
    int.Parse(options.GetValueOrDefault("pairs", "10")),
    double.Parse(options.GetValueOrDefault("rate", "20"), invariant),
    TimeSpan.FromSeconds(double.Parse(options.GetValueOrDefault("duration", "20"), invariant)),
    TimeSpan.FromSeconds(double.Parse(options.GetValueOrDefault("warmup", "3"), invariant)),
    MongoConnectionString: options.GetValueOrDefault("mongo"),
    Traced: options.GetValueOrDefault("traced") == "true");

return args.FirstOrDefault() switch
{
    "accounts" => await AccountsScenario.RunAsync(
        new Uri(options.GetValueOrDefault("url", "http://localhost:5180")),
        int.Parse(options.GetValueOrDefault("users", "200")),
        int.Parse(options.GetValueOrDefault("concurrency", "8"))),
    "messages" => await RunMessagesAsync(MessagesOptions()),
    "max-rate" => await RunMaxRateAsync(new MaxRateScenario.Options(
        MessagesOptions() with { Duration = TimeSpan.FromSeconds(double.Parse(options.GetValueOrDefault("duration", "15"), invariant)) },
        double.Parse(options.GetValueOrDefault("bound-ms", "50"), invariant),
        double.Parse(options.GetValueOrDefault("from", "50"), invariant),
        double.Parse(options.GetValueOrDefault("max", "3200"), invariant),
        int.Parse(options.GetValueOrDefault("refinements", "3")))),
    "idle-connections" => await RunIdleConnectionsAsync(
        new Uri(options.GetValueOrDefault("url", "http://localhost:5180")),
        int.Parse(options.GetValueOrDefault("connections", "2000")),
        TimeSpan.FromSeconds(double.Parse(options.GetValueOrDefault("hold", "0"), invariant))),
    "chaos" => await RunChaosAsync(new ChaosScenario.Options(
        new Uri(options.GetValueOrDefault("url", "http://localhost:5180")),
        int.Parse(options.GetValueOrDefault("pairs", "10")),
        double.Parse(options.GetValueOrDefault("rate-per-user", "2"), invariant),
        TimeSpan.FromSeconds(double.Parse(options.GetValueOrDefault("before", "5"), invariant)),
        TimeSpan.FromSeconds(double.Parse(options.GetValueOrDefault("after", "15"), invariant)),
        options.GetValueOrDefault("faults", string.Join(',', ChaosScenario.AllFaults)).Split(','))),
    "group-fanout" => await RunGroupFanoutAsync(
        new GroupFanoutScenario.Options(
            new Uri(options.GetValueOrDefault("url", "http://localhost:5180")),
            int.Parse(options.GetValueOrDefault("members", "50")),
            int.Parse(options.GetValueOrDefault("groups", "1")),
            0,
            TimeSpan.FromSeconds(double.Parse(options.GetValueOrDefault("duration", "15"), invariant)),
            TimeSpan.FromSeconds(double.Parse(options.GetValueOrDefault("warmup", "3"), invariant)),
            options.GetValueOrDefault("redis") ?? LocalRedis(),
            MongoConnectionString: options.GetValueOrDefault("mongo")),
        options.GetValueOrDefault("rates", "10").Split(',').Select(r => double.Parse(r, invariant)).ToList(),
        double.Parse(options.GetValueOrDefault("bound-ms", "100"), invariant)),
    "push" => await RunPushAsync(new PushScenario.Options(
        new Uri(options.GetValueOrDefault("url", "http://localhost:5180")),
        int.Parse(options.GetValueOrDefault("pairs", "20")),
        double.Parse(options.GetValueOrDefault("rate", "50"), invariant),
        TimeSpan.FromSeconds(double.Parse(options.GetValueOrDefault("duration", "20"), invariant)),
        TimeSpan.FromSeconds(double.Parse(options.GetValueOrDefault("warmup", "3"), invariant)),
        int.Parse(options.GetValueOrDefault("push-port", "8090")),
        MongoConnectionString: options.GetValueOrDefault("mongo"))),
    "presence-crash" => await PresenceCrashScenario.RunAsync(
        new Uri(options.GetValueOrDefault("url", "http://localhost:5180")),
        int.Parse(options.GetValueOrDefault("kills", "5"))),
    _ => Usage(),
};

static async Task<int> RunMessagesAsync(MessagesScenario.Options options)
{
    Console.WriteLine($"messages: {options.Pairs} pairs, {options.Rate} msg/s in total for {options.Duration.TotalSeconds} s " +
        $"(after {options.Warmup.TotalSeconds} s warm-up), via {options.Url}");
    var report = await MessagesScenario.RunAsync(options, line => Console.Error.Write($"\r  {line}   "));
    Console.Error.WriteLine();
    MessagesScenario.Print(options, report);
    WriteJson("messages", MessagesJson(options.Pairs, options.Rate, options.Duration, report));
    return report.Clean ? 0 : 1;
}

static async Task<int> RunPushAsync(PushScenario.Options options)
{
    Console.WriteLine($"push: {options.Pairs} pairs whose recipients' only device is closed, {options.Rate} msg/s for {options.Duration.TotalSeconds} s, " +
        $"pushes received at 127.0.0.1:{options.PushPort}, via {options.Url}");
    var report = await PushScenario.RunAsync(options, line => Console.Error.Write($"\r  {line}   "));
    Console.Error.WriteLine();
    PushScenario.Print(report);
    WriteJson("push", new
    {
        options.Pairs, options.Rate, report.Sent, report.Throughput, report.Errors, report.Pushed, report.Missing, report.Duplicates,
        Ack = Summary(report.Ack), Push = Summary(report.Push), report.CpuMsPerMessageAboveIdle,
    });
    return report.Errors + report.Missing + report.Duplicates == 0 ? 0 : 1;
}

static async Task<int> RunMaxRateAsync(MaxRateScenario.Options options)
{
    Console.WriteLine($"max-rate: the highest rate with p99 delivery ≤ {options.BoundMs} ms; {options.Step.Pairs} pairs, " +
        $"steps of {options.Step.Duration.TotalSeconds} s from {options.StartRate} msg/s, via {options.Step.Url}" +
        (options.Step.MongoConnectionString is null ? "" : ", deleting verified messages"));
    var result = await MaxRateScenario.RunAsync(options, step =>
    {
        Console.Error.WriteLine();
        Console.WriteLine($"{step.Rate,7:F0} msg/s → {step.Report.Throughput,7:F1} achieved; ack p99 {step.Report.Ack.Percentile(99),7:F1} ms; " +
            $"server p99 {step.Report.ServerTime.Percentile(99),6:F1} ms; delivery p50 {step.Report.Delivery.Median,6:F1} p99 {step.Report.Delivery.Percentile(99),7:F1} ms; " +
            $"CPU {step.Report.CpuMsPerMessageAboveIdle,5:F2} ms/msg; {(step.Passed ? "pass" : "FAIL")}: {step.Verdict}");
    }, line => Console.Error.Write($"\r  {line}   "));
    Console.WriteLine(result.HighestPassingRate is { } rate
        ? $"highest rate with p99 delivery ≤ {options.BoundMs} ms: {rate:F0} msg/s"
        : $"no rate tried kept p99 delivery ≤ {options.BoundMs} ms");
    WriteJson("max-rate", new
    {
        options.BoundMs, result.HighestPassingRate,
        Steps = result.Steps.Select(s => new { s.Rate, s.Passed, s.Verdict, Report = MessagesJson(options.Step.Pairs, s.Rate, options.Step.Duration, s.Report) }),
    });
    return result.HighestPassingRate is null ? 1 : 0;
}

static object MessagesJson(int pairs, double rate, TimeSpan duration, MessagesScenario.Report report) => new
{
    Pairs = pairs, Rate = rate, DurationSeconds = duration.TotalSeconds, report.Sent, report.Throughput,
    report.Errors, report.Lost, report.Duplicates, report.OutOfOrder, report.CpuMsPerMessageAboveIdle, report.PrunedMessages,
    Ack = Summary(report.Ack), ServerTime = Summary(report.ServerTime), Delivery = Summary(report.Delivery),
    SameReplica = Summary(report.SameReplica), CrossReplica = Summary(report.CrossReplica),
};

static async Task<int> RunIdleConnectionsAsync(Uri url, int connections, TimeSpan hold)
{
    Console.WriteLine($"idle-connections: {connections} hub connections via {url}");
    var report = await IdleConnectionsScenario.RunAsync(url, connections, hold, line => Console.Error.Write($"\r  {line}   "));
    Console.Error.WriteLine();
    Console.WriteLine($"API replicas' resident memory: {report.ResidentBefore / 1048576.0:F0} MB → {report.ResidentAfter / 1048576.0:F0} MB " +
        $"with {report.Connections} connections = {report.BytesPerConnection / 1024:F1} KB per connection; " +
        $"{report.MarginalBytesPerConnection / 1024:F1} KB per connection from {report.ConnectionsAtHalf} to {report.Connections} (the marginal cost)");
    WriteJson("idle-connections", report);
    return 0;
}

// Each rate in turn on the same members; the highest whose delivery p99 stays within the bound.
static async Task<int> RunGroupFanoutAsync(GroupFanoutScenario.Options options, IReadOnlyList<double> rates, double boundMs)
{
    Console.WriteLine($"group-fanout: {options.Groups} group(s) of {options.Members} members on live connections via {options.Url}; " +
        $"rates {string.Join(", ", rates)} group msg/s, {options.Duration.TotalSeconds} s each; Redis {options.Redis ?? "not measured"}");
    await using var crowd = await GroupFanoutScenario.Crowd.ConnectAsync(options.Url, options.Members, options.Groups, line => Console.Error.Write($"\r  {line}   "));
    Console.Error.WriteLine();
    var reports = new List<GroupFanoutScenario.Report>();
    foreach (var rate in rates)
    {
        var report = await GroupFanoutScenario.RunAsync(crowd, options with { Rate = rate }, line => Console.Error.Write($"\r  {line}   "));
        Console.Error.WriteLine();
        GroupFanoutScenario.Print(options, report);
        reports.Add(report);
    }
    var passing = reports.Where(r => r.Clean && r.Delivery.Percentile(99) <= boundMs).ToList();
    Console.WriteLine(passing.Count > 0
        ? $"highest deliveries/s with delivery p99 ≤ {boundMs} ms: {passing.Max(r => r.DeliveriesPerSecond):F0} ({passing.MaxBy(r => r.DeliveriesPerSecond)!.Rate} group msg/s)"
        : $"no rate tried kept delivery p99 ≤ {boundMs} ms with nothing lost");
    WriteJson("group-fanout", reports.Select(r => new
    {
        options.Members, options.Groups, r.Rate, r.Sent, r.Deliveries, r.DeliveriesPerSecond, r.Errors, r.Lost, r.Duplicates, r.OutOfOrder, r.HistoryGaps,
        Ack = Summary(r.Ack), Delivery = Summary(r.Delivery), r.CpuMsPerDelivery, r.CpuMsPerMessage, r.RedisCommandsPerMessage,
        RedisCommands = r.RedisCommands.ToDictionary(c => c.Command, c => c.Calls),
    }).ToList());
    return reports.All(r => r.Clean) ? 0 : 1;
}

// The cluster's redis-server when it runs on this machine (executables mode), for the command counts.
static string? LocalRedis() =>
    Chat.LoadTest.Measurement.ApiProcesses.PortsOf("redis-server") is [var port, ..] ? $"127.0.0.1:{port}" : null;

static object Summary(Chat.LoadTest.Measurement.LatencyStats s) => new
{
    s.Count, P50 = s.Median, P90 = s.Percentile(90), P99 = s.Percentile(99), P999 = s.Percentile(99.9), s.Max,
};

// Every report also goes to a JSON file, for comparing runs and for other tools.
static void WriteJson(string scenario, object report)
{
    var path = $"loadtest-{scenario}-{DateTime.UtcNow:yyyyMMdd-HHmmss}.json";
    File.WriteAllText(path, System.Text.Json.JsonSerializer.Serialize(report, new System.Text.Json.JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
    Console.WriteLine($"(also written to {path})");
}

static async Task<int> RunChaosAsync(ChaosScenario.Options options)
{
    Console.WriteLine($"chaos: {options.Pairs} pairs at {options.RatePerUser} msg/s per user, via {options.Url}; faults: {string.Join(", ", options.Faults)}");
    var results = await ChaosScenario.RunAsync(options);
    WriteJson("chaos", results.Select(r => new
    {
        fault = r.Fault, acknowledged = r.Verdict.Acknowledged, deliveredLive = r.Verdict.DeliveredLive,
        recoveredByCatchUp = r.Verdict.RecoveredByCatchUp, lost = r.Verdict.Lost, duplicated = r.Verdict.Duplicated,
        outOfOrder = r.Verdict.OutOfOrder, secondsUntilAllLive = r.Verdict.TimeUntilAllLive.TotalSeconds,
        serverErrors = r.Verdict.Counters.ServerErrors, slowestRefusalSeconds = r.Verdict.Counters.SlowestRefusal.TotalSeconds,
        answers = r.Verdict.Counters.Statuses.ToDictionary(s => s.Key.ToString(), s => s.Value),
    }).ToList());
    return results.All(r => r.Verdict.Kept) ? 0 : 1;
}

static int Usage()
{
    Console.Error.WriteLine("usage: Chat.LoadTest accounts [--url URL] [--users N] [--concurrency N]");
    Console.Error.WriteLine("       Chat.LoadTest messages [--url URL] [--pairs N] [--rate MSG_PER_S] [--duration S] [--warmup S] [--mongo CONNECTION_STRING] [--traced true]");
    Console.Error.WriteLine("       (--traced true: every send carries a sampled traceparent, as from a browser tracing every send)");
    Console.Error.WriteLine("       Chat.LoadTest max-rate [--url URL] [--pairs N] [--bound-ms MS] [--from MSG_PER_S] [--max MSG_PER_S] [--refinements N] [--duration S] [--mongo CONNECTION_STRING]");
    Console.Error.WriteLine("       (--mongo: the cluster's database; verified messages are deleted during the run to keep the stand-in fast)");
    Console.Error.WriteLine("       Chat.LoadTest idle-connections [--url URL] [--connections N] [--hold SECONDS]   (local cluster only)");
    Console.Error.WriteLine("       Chat.LoadTest group-fanout [--url URL] [--members N] [--groups N] [--rates MSG_PER_S,...] [--duration S] [--warmup S] [--bound-ms MS] [--redis HOST:PORT] [--mongo CONNECTION_STRING]");
    Console.Error.WriteLine("       Chat.LoadTest push [--url URL] [--pairs N] [--rate MSG_PER_S] [--duration S] [--warmup S] [--push-port PORT] [--mongo CONNECTION_STRING]   (cluster started with --Push:AllowedHosts:0=127.0.0.1:PORT)");
    Console.Error.WriteLine("       Chat.LoadTest presence-crash [--url URL] [--kills N]   (kills API replicas: local cluster only)");
    Console.Error.WriteLine("       Chat.LoadTest chaos [--url URL] [--pairs N] [--rate-per-user MSG_PER_S] [--before S] [--after S] [--faults mongo-freeze,redis-freeze,replica-stop,replica-kill]   (local cluster only)");
    return 2;
}

static class Arguments
{
    /// <summary>"--name value" pairs.</summary>
    public static Dictionary<string, string> Parse(IEnumerable<string> args) =>
        args.Chunk(2).Where(pair => pair.Length == 2 && pair[0].StartsWith("--"))
            .ToDictionary(pair => pair[0][2..], pair => pair[1]);
}

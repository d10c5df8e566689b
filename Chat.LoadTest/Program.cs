using Chat.LoadTest.Scenarios;

// Drives a running Chat cluster through its public API only, as real clients would.
//   dotnet run -c Release --project Chat.LoadTest -- accounts --url http://localhost:5181 --users 200 --concurrency 8
//   dotnet run -c Release --project Chat.LoadTest -- messages --url http://localhost:5180 --pairs 10 --rate 20 --duration 20
var options = Arguments.Parse(args.Skip(1));
return args.FirstOrDefault() switch
{
    "accounts" => await AccountsScenario.RunAsync(
        new Uri(options.GetValueOrDefault("url", "http://localhost:5180")),
        int.Parse(options.GetValueOrDefault("users", "200")),
        int.Parse(options.GetValueOrDefault("concurrency", "8"))),
    "messages" => await RunMessagesAsync(new MessagesScenario.Options(
        new Uri(options.GetValueOrDefault("url", "http://localhost:5180")),
        int.Parse(options.GetValueOrDefault("pairs", "10")),
        double.Parse(options.GetValueOrDefault("rate", "20"), System.Globalization.CultureInfo.InvariantCulture),
        TimeSpan.FromSeconds(double.Parse(options.GetValueOrDefault("duration", "20"), System.Globalization.CultureInfo.InvariantCulture)),
        TimeSpan.FromSeconds(double.Parse(options.GetValueOrDefault("warmup", "3"), System.Globalization.CultureInfo.InvariantCulture)))),
    "idle-connections" => await RunIdleConnectionsAsync(
        new Uri(options.GetValueOrDefault("url", "http://localhost:5180")),
        int.Parse(options.GetValueOrDefault("connections", "2000"))),
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
    WriteJson("messages", new
    {
        options.Pairs, options.Rate, DurationSeconds = options.Duration.TotalSeconds, report.Sent, report.Throughput,
        report.Errors, report.Lost, report.Duplicates, report.OutOfOrder, report.CpuMsPerMessageAboveIdle,
        Ack = Summary(report.Ack), ServerTime = Summary(report.ServerTime), Delivery = Summary(report.Delivery),
        SameReplica = Summary(report.SameReplica), CrossReplica = Summary(report.CrossReplica),
    });
    return report.Clean ? 0 : 1;
}

static async Task<int> RunIdleConnectionsAsync(Uri url, int connections)
{
    Console.WriteLine($"idle-connections: {connections} hub connections via {url}");
    var report = await IdleConnectionsScenario.RunAsync(url, connections, line => Console.Error.Write($"\r  {line}   "));
    Console.Error.WriteLine();
    Console.WriteLine($"API replicas' resident memory: {report.ResidentBefore / 1048576.0:F0} MB → {report.ResidentAfter / 1048576.0:F0} MB " +
        $"with {report.Connections} connections = {report.BytesPerConnection / 1024:F1} KB per connection");
    WriteJson("idle-connections", report);
    return 0;
}

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

static int Usage()
{
    Console.Error.WriteLine("usage: Chat.LoadTest accounts [--url URL] [--users N] [--concurrency N]");
    Console.Error.WriteLine("       Chat.LoadTest messages [--url URL] [--pairs N] [--rate MSG_PER_S] [--duration S] [--warmup S]");
    Console.Error.WriteLine("       Chat.LoadTest idle-connections [--url URL] [--connections N]   (local cluster only)");
    Console.Error.WriteLine("       Chat.LoadTest presence-crash [--url URL] [--kills N]   (kills API replicas: local cluster only)");
    return 2;
}

static class Arguments
{
    /// <summary>"--name value" pairs.</summary>
    public static Dictionary<string, string> Parse(IEnumerable<string> args) =>
        args.Chunk(2).Where(pair => pair.Length == 2 && pair[0].StartsWith("--"))
            .ToDictionary(pair => pair[0][2..], pair => pair[1]);
}

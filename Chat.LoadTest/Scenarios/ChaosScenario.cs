using System.Diagnostics;
using Chat.LoadTest.Chaos;
using Chat.LoadTest.Measurement;

namespace Chat.LoadTest.Scenarios;

/// <summary>
/// The fault suite's faults, longer, against a running local cluster (./eng/start): for each fault
/// a fresh crowd of pairs talks both ways, the fault strikes, traffic goes on, and the verdict is
/// printed: acknowledged, delivered live, recovered by catch-up, lost (must be 0), duplicated
/// (must be 0), out of order (must be 0), time until every client was live again. Without the
/// orchestrator's commands a process cannot be restarted from here, so the stores are frozen
/// (SIGSTOP/SIGCONT, a stall with their data kept) and replicas are stopped or killed last (they
/// stay down; the cluster runs on the others, so each replica fault needs one replica more:
/// start the cluster with --Api:Replicas=3 for both). Restarts are in the test suite (FaultTests).
/// </summary>
public static class ChaosScenario
{
    public static readonly string[] AllFaults = ["mongo-freeze", "redis-freeze", "replica-stop", "replica-kill"];

    public sealed record Options(Uri Url, int Pairs, double RatePerUser, TimeSpan Before, TimeSpan After, IReadOnlyList<string> Faults);

    public static async Task<IReadOnlyList<(string Fault, ChaosVerdict Verdict)>> RunAsync(Options options)
    {
        var results = new List<(string, ChaosVerdict)>();
        var run = Guid.NewGuid().ToString("N")[..6];
        foreach (var fault in options.Faults)
        {
            await using var traffic = await ChaosTraffic.ConnectAsync(options.Url, options.Pairs, $"{run}-{fault}");
            traffic.Start(options.RatePerUser);
            await Task.Delay(options.Before);
            var faultAt = Stopwatch.GetTimestamp();
            Console.WriteLine($"{fault}: striking after {options.Before.TotalSeconds} s of traffic");
            await StrikeAsync(fault, traffic);
            var timeToLive = await traffic.WaitUntilAllLiveAsync(faultAt, TimeSpan.FromMinutes(2));
            await Task.Delay(options.After);
            await traffic.StopAsync();
            var verdict = await traffic.SettleAsync(timeToLive);
            Console.WriteLine($"{fault}: {verdict}");
            results.Add((fault, verdict));
        }
        return results;
    }

    private static async Task StrikeAsync(string fault, ChaosTraffic traffic)
    {
        switch (fault)
        {
            case "mongo-freeze":
                await Signals.FreezeAsync(Single("jongodb", "mongod"), TimeSpan.FromSeconds(10));
                break;
            case "redis-freeze":
                await Signals.FreezeAsync(Single("redis-server"), TimeSpan.FromSeconds(8));
                break;
            case "replica-stop" or "replica-kill":
                if (ApiProcesses.Count() < 2) throw new InvalidOperationException($"{fault} needs two live API replicas: start the cluster with more (--Api:Replicas=3).");
                // The replica holding a user's connection, so that connection must come back.
                var process = await ApiProcesses.FindByInstanceAsync(await traffic.Peers.First().ReplicaAsync());
                if (fault == "replica-stop") Signals.Terminate(process);
                else Signals.Kill(process);
                await process.WaitForExitAsync();
                break;
            default:
                throw new ArgumentException($"Unknown fault {fault}; known: {string.Join(", ", AllFaults)}.");
        }
    }

    // The one local process of the cluster whose command line names one of these programs.
    private static Process Single(params string[] programs)
    {
        var found = Directory.EnumerateDirectories("/proc")
            .Where(d => int.TryParse(Path.GetFileName(d), out _))
            .Select(d => (Pid: int.Parse(Path.GetFileName(d)), Command: ReadCommand(d)))
            .Where(p => programs.Any(program => p.Command.Split(' ').FirstOrDefault()?.EndsWith(program, StringComparison.Ordinal) == true))
            .ToList();
        return found.Count == 1
            ? Process.GetProcessById(found[0].Pid)
            : throw new InvalidOperationException($"Expected one local {string.Join(" or ", programs)} process, found {found.Count}: is exactly one cluster running here?");
    }

    private static string ReadCommand(string dir)
    {
        try
        {
            return File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "";
        }
    }
}

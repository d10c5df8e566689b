namespace Chat.LoadTest.Measurement;

/// <summary>
/// The local processes of the API replicas (Linux /proc), for CPU and memory figures. Only
/// meaningful when the tool runs on the machine hosting the cluster, as in BENCHMARKS.md.
/// </summary>
public static class ApiProcesses
{
    public const string Name = "Chat.Api";

    /// <summary>Reads a /proc file of each replica process (not the `dotnet run` wrapping it) and sums what <paramref name="read"/> makes of it.</summary>
    public static double Sum(string file, Func<string, double> read)
    {
        var total = 0.0;
        foreach (var dir in Directory.EnumerateDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _)))
        {
            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (!cmdline.Contains(Name, StringComparison.Ordinal) || cmdline.Contains("dotnet run", StringComparison.Ordinal)) continue;
                total += read(File.ReadAllText(Path.Combine(dir, file)));
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
        }
        return total;
    }

    /// <summary>CPU time used so far (utime + stime from /proc/PID/stat, in USER_HZ = 100 ticks a second).</summary>
    public static TimeSpan Cpu() => TimeSpan.FromSeconds(Sum("stat", stat =>
    {
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11]) + long.Parse(fields[12])) / 100.0;
    }));

    /// <summary>Resident memory (VmRSS from /proc/PID/status).</summary>
    public static long ResidentBytes() => (long)Sum("status", status =>
        long.Parse(status.Split('\n').First(l => l.StartsWith("VmRSS:")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024.0);
}

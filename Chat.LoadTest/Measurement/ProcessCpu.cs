namespace Chat.LoadTest.Measurement;

/// <summary>
/// CPU time used so far by every local process whose command line names the API (Linux /proc),
/// so a run can report the replicas' CPU per message. Only meaningful when the tool runs on
/// the machine hosting the cluster, as in BENCHMARKS.md.
/// </summary>
public static class ProcessCpu
{
    public static TimeSpan OfProcessesNamed(string name)
    {
        var ticksPerSecond = 100.0; // USER_HZ on Linux
        var total = 0.0;
        foreach (var dir in Directory.EnumerateDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _)))
        {
            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                // The replica itself, not `dotnet run` wrapping it.
                if (!cmdline.Contains(name, StringComparison.Ordinal) || cmdline.Contains("dotnet run", StringComparison.Ordinal)) continue;
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                total += (long.Parse(fields[11]) + long.Parse(fields[12])) / ticksPerSecond; // utime + stime
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
        }
        return TimeSpan.FromSeconds(total);
    }
}

using System.Diagnostics;
using System.Globalization;

namespace Chat.LoadTest.Measurement;

/// <summary>
/// The local processes of the API replicas (Linux /proc), for CPU and memory figures. Only
/// meaningful when the tool runs on the machine hosting the cluster, as in BENCHMARKS.md.
/// </summary>
public static class ApiProcesses
{
    public const string Name = "Chat.Api";

    /// <summary>Reads a /proc file of each replica process and sums what <paramref name="read"/> makes of it.</summary>
    public static double Sum(string file, Func<string, double> read)
    {
        var total = 0.0;
        foreach (var dir in ProcessDirectories())
        {
            try
            {
                total += read(File.ReadAllText(Path.Combine(dir, file)));
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
        }
        return total;
    }

    /// <summary>
    /// The local replica process whose responses carry <c>X-Chat-Instance: <paramref name="instance"/></c>.
    /// The id is opaque (it names no host or process), so each API process's listening ports are asked.
    /// </summary>
    public static async Task<Process> FindByInstanceAsync(string instance)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        foreach (var dir in ProcessDirectories())
        {
            foreach (var port in ListeningPorts(dir))
            {
                try
                {
                    using var response = await http.GetAsync($"http://127.0.0.1:{port}/alive");
                    if (response.Headers.TryGetValues("X-Chat-Instance", out var ids) && ids.Contains(instance))
                    {
                        return Process.GetProcessById(int.Parse(Path.GetFileName(dir), CultureInfo.InvariantCulture));
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    // Not an HTTP port, or not answering.
                }
            }
        }
        throw new InvalidOperationException($"No local API process answers as {instance}.");
    }

    /// <summary>The local process listening on this TCP port (any program), or null.</summary>
    public static Process? ListeningOn(int port)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _)))
        {
            if (ListeningPorts(dir).Contains(port)) return Process.GetProcessById(int.Parse(Path.GetFileName(dir), CultureInfo.InvariantCulture));
        }
        return null;
    }

    // Each replica process (not the `dotnet run` wrapping it).
    private static IEnumerable<string> ProcessDirectories()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _)))
        {
            string cmdline;
            try
            {
                cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
            }
            catch (IOException)
            {
                continue;
            }
            if (cmdline.Contains(Name, StringComparison.Ordinal) && !cmdline.Contains("dotnet run", StringComparison.Ordinal)) yield return dir;
        }
    }

    // The TCP ports the process listens on: its socket inodes (/proc/PID/fd) among the LISTEN rows of /proc/net/tcp{,6}.
    private static IReadOnlyList<int> ListeningPorts(string dir)
    {
        var inodes = new HashSet<string>();
        try
        {
            foreach (var fd in Directory.EnumerateFileSystemEntries(Path.Combine(dir, "fd")))
            {
                if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith("socket:[", StringComparison.Ordinal)) inodes.Add(target[8..^1]);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
        if (inodes.Count == 0) return [];
        return new[] { "/proc/net/tcp", "/proc/net/tcp6" }
            .Where(File.Exists)
            .SelectMany(File.ReadLines).Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length > 9 && f[3] == "0A" && inodes.Contains(f[9]))
            .Select(f => int.Parse(f[1].Split(':')[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture))
            .Distinct()
            .ToList();
    }

    /// <summary>The TCP ports that local processes whose command line holds <paramref name="program"/> listen on (redis-server, say).</summary>
    public static IReadOnlyList<int> PortsOf(string program) => Directory.EnumerateDirectories("/proc")
        .Where(d => int.TryParse(Path.GetFileName(d), out _))
        .Where(d =>
        {
            try
            {
                return File.ReadAllText(Path.Combine(d, "cmdline")).Contains(program, StringComparison.Ordinal);
            }
            catch (IOException)
            {
                return false;
            }
        })
        .SelectMany(ListeningPorts)
        .ToList();

    /// <summary>How many replica processes run here.</summary>
    public static int Count() => ProcessDirectories().Count();

    /// <summary>CPU time used so far (utime + stime from /proc/PID/stat, in USER_HZ = 100 ticks a second).</summary>
    public static TimeSpan Cpu() => TimeSpan.FromSeconds(Sum("stat", stat =>
    {
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11]) + long.Parse(fields[12])) / 100.0;
    }));

    /// <summary>
    /// Of <paramref name="used"/> (the replicas' CPU over a run of <paramref name="elapsed"/>), what
    /// was above idle: the idle CPU (health probes, telemetry export) is measured now, after the
    /// run, when start-up work (JIT tiering) is over, and subtracted.
    /// </summary>
    public static async Task<TimeSpan> AboveIdleAsync(TimeSpan used, TimeSpan elapsed)
    {
        var idleWindow = TimeSpan.FromSeconds(5);
        var idleStart = Cpu();
        await Task.Delay(idleWindow);
        var idlePerSecond = (Cpu() - idleStart) / idleWindow.TotalSeconds;
        return used - idlePerSecond * elapsed.TotalSeconds;
    }

    /// <summary>Resident memory (VmRSS from /proc/PID/status).</summary>
    public static long ResidentBytes() => (long)Sum("status", status =>
        long.Parse(status.Split('\n').First(l => l.StartsWith("VmRSS:")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024.0);
}

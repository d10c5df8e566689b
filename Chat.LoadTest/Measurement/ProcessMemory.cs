namespace Chat.LoadTest.Measurement;

/// <summary>
/// Resident memory of the local API replicas (Linux /proc, VmRSS), for memory per connection.
/// Like <see cref="ProcessCpu"/>, meaningful only on the machine hosting the cluster.
/// </summary>
public static class ProcessMemory
{
    public static long ResidentBytesOfProcessesNamed(string name)
    {
        long total = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _)))
        {
            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (!cmdline.Contains(name, StringComparison.Ordinal) || cmdline.Contains("dotnet run", StringComparison.Ordinal)) continue;
                var rss = File.ReadLines(Path.Combine(dir, "status")).FirstOrDefault(l => l.StartsWith("VmRSS:"));
                if (rss is not null) total += long.Parse(rss.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024; // kB
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
        }
        return total;
    }
}

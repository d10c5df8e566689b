using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Chat.LoadTest.Measurement;

/// <summary>
/// How many commands a Redis server has run, by command (INFO commandstats), so a run can report
/// the commands it cost. A bare RESP request over TCP: the tool needs nothing else of Redis.
/// </summary>
public static class RedisCommandStats
{
    /// <summary>Calls so far, by command name (publish, evalsha, ...).</summary>
    public static async Task<Dictionary<string, long>> ReadAsync(string hostAndPort)
    {
        var (host, port) = hostAndPort.Split(':') is [var h, var p] ? (h, int.Parse(p, CultureInfo.InvariantCulture)) : (hostAndPort, 6379);
        using var client = new TcpClient();
        await client.ConnectAsync(host, port);
        var stream = client.GetStream();
        await stream.WriteAsync("*2\r\n$4\r\nINFO\r\n$12\r\ncommandstats\r\n"u8.ToArray());
        var reply = new StringBuilder();
        var buffer = new byte[16 * 1024];
        int? expected = null;
        while (expected is null || Encoding.UTF8.GetByteCount(reply.ToString()) < expected)
        {
            var read = await stream.ReadAsync(buffer);
            if (read == 0) break;
            reply.Append(Encoding.UTF8.GetString(buffer, 0, read));
            var text = reply.ToString();
            if (expected is null && text.IndexOf("\r\n", StringComparison.Ordinal) is > 0 and var end)
            {
                // "$<length>\r\n<body>\r\n"
                expected = end + 2 + int.Parse(text[1..end], CultureInfo.InvariantCulture) + 2;
            }
        }
        return Parse(reply.ToString());
    }

    /// <summary>The "cmdstat_NAME:calls=N,..." lines of an INFO commandstats reply.</summary>
    public static Dictionary<string, long> Parse(string info) => info.Split('\n')
        .Select(line => line.Trim())
        .Where(line => line.StartsWith("cmdstat_", StringComparison.Ordinal))
        .Select(line => (Name: line["cmdstat_".Length..line.IndexOf(':')], Calls: line.Split(',')[0].Split('=')[1]))
        .ToDictionary(c => c.Name, c => long.Parse(c.Calls, CultureInfo.InvariantCulture));

    /// <summary>What ran between two readings, by command, most first.</summary>
    public static List<(string Command, long Calls)> Between(Dictionary<string, long> before, Dictionary<string, long> after) =>
        after.Select(a => (a.Key, a.Value - before.GetValueOrDefault(a.Key))).Where(c => c.Item2 > 0).OrderByDescending(c => c.Item2).ToList();
}

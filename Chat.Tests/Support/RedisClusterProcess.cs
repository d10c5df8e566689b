using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Chat.Tests.Support;

/// <summary>
/// A local three-node Redis Cluster (redis-server with cluster mode on three free ports, joined by
/// redis-cli), as a clustered managed Redis (Azure Managed Redis) is: keys spread over shards by
/// hash slot, multi-key commands refused across slots.
/// </summary>
public sealed class RedisClusterProcess : IAsyncDisposable
{
    private readonly List<Process> _nodes;
    private readonly string _directory;

    private RedisClusterProcess(List<Process> nodes, List<int> ports, string directory)
    {
        _nodes = nodes;
        Ports = ports;
        _directory = directory;
    }

    public IReadOnlyList<int> Ports { get; }

    public string ConnectionString => string.Join(',', Ports.Select(p => $"127.0.0.1:{p}"));

    public static async Task<RedisClusterProcess> StartAsync()
    {
        var directory = Directory.CreateTempSubdirectory("chat-redis-cluster-").FullName;
        var ports = Enumerable.Range(0, 3).Select(_ => FreePort()).ToList();
        var nodes = ports.Select(port => Process.Start(new ProcessStartInfo("redis-server",
        [
            "--port", port.ToString(), "--bind", "127.0.0.1", "--cluster-enabled", "yes",
            "--cluster-config-file", $"nodes-{port}.conf", "--dir", directory, "--save", "", "--appendonly", "no", "--logfile", Path.Combine(directory, $"redis-{port}.log"),
        ]))!).ToList();
        var cluster = new RedisClusterProcess(nodes, ports, directory);
        await Task.Delay(500);
        var create = Process.Start(new ProcessStartInfo("redis-cli",
            ["--cluster", "create", .. ports.Select(p => $"127.0.0.1:{p}"), "--cluster-replicas", "0", "--cluster-yes"])
        { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = await create.StandardOutput.ReadToEndAsync();
        await create.WaitForExitAsync();
        if (create.ExitCode != 0) throw new InvalidOperationException($"redis-cli --cluster create failed: {output}");
        // Every node must agree the cluster is up (one that has not heard yet answers CLUSTERDOWN).
        for (var i = 0; i < 100; i++)
        {
            var ready = true;
            foreach (var port in ports)
            {
                var info = Process.Start(new ProcessStartInfo("redis-cli", ["-p", port.ToString(), "cluster", "info"]) { RedirectStandardOutput = true })!;
                ready &= (await info.StandardOutput.ReadToEndAsync()).Contains("cluster_state:ok");
            }
            if (ready) return cluster;
            await Task.Delay(200);
        }
        await cluster.DisposeAsync();
        throw new TimeoutException("The Redis cluster did not become ready.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            if (!node.HasExited) node.Kill();
            await node.WaitForExitAsync();
            node.Dispose();
        }
        Directory.Delete(_directory, recursive: true);
    }
}

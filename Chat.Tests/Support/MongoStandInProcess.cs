using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Chat.Tests.Support;

/// <summary>
/// The MongoDB-wire stand-in as a child process on a free loopback port, for tests that need a
/// real server over the network without the whole cluster. Dispose kills it.
/// </summary>
public sealed class MongoStandInProcess : IAsyncDisposable
{
    private readonly Process _process;

    private MongoStandInProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The server process (to freeze it with a signal).</summary>
    public Process Process => _process;

    public string ConnectionString(string database = "") => $"mongodb://127.0.0.1:{Port}/{database}?directConnection=true";

    public static async Task<MongoStandInProcess> StartAsync(int? onPort = null)
    {
        var port = onPort ?? FreePort();
        var process = Process.Start(new ProcessStartInfo(RepositoryPaths.MongoStandIn, [$"--host=127.0.0.1", $"--port={port}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("The stand-in did not start.");

        // It prints its URI once it listens.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.Contains("mongodb://", StringComparison.Ordinal))
            {
                // Keep reading what it writes: a full pipe would stop it mid-test.
                _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
                _ = process.StandardError.BaseStream.CopyToAsync(Stream.Null);
                return new MongoStandInProcess(process, port);
            }
        }
        // Its output ended without the URI: it is exiting (a port taken meanwhile, say).
        await process.WaitForExitAsync();
        throw new InvalidOperationException($"The stand-in exited (code {process.ExitCode}) before listening on {port}: {await process.StandardError.ReadToEndAsync()}");
    }

    /// <summary>Kills the server abruptly, as a crash would.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

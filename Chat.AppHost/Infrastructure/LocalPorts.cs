using System.Net;
using System.Net.Sockets;

namespace Chat.AppHost.Infrastructure;

/// <summary>
/// Ports for the local processes whose endpoints are not proxied: the infrastructure
/// (redis-server, mongod, the stand-in), the API replicas and, under test, the web front
/// (<see cref="Aspire.Hosting.DirectEndpointExtensions"/>). The orchestrator's proxy would add a
/// hop, and its CPU, to every command and frame, for nothing: each has one instance, or is
/// balanced by the web front. An endpoint without a proxy needs its port chosen up front: a free
/// one, asked of the system.
/// </summary>
public static class LocalPorts
{
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

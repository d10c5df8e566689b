using System.Net;
using System.Net.Sockets;

namespace Chat.AppHost.Infrastructure;

/// <summary>
/// Ports for the local infrastructure processes (redis-server, mongod, the stand-in). Their
/// endpoints are not proxied: the orchestrator's proxy would add a hop, and its CPU, to every
/// database and Redis command, for nothing (each has one instance and no load balancing to do).
/// An endpoint without a proxy needs its port chosen up front: a free one, asked of the system.
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

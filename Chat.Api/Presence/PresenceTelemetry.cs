using System.Diagnostics.Metrics;
using Chat.Api.Realtime;

namespace Chat.Api.Presence;

/// <summary>The presence meters (names start "Chat." so ServiceDefaults exports them).</summary>
public sealed class PresenceTelemetry
{
    public const string Name = "Chat.Api.Presence";
    private long _onlineUsers;

    public PresenceTelemetry(IMeterFactory meters, ConnectionRegistry connections)
    {
        var meter = meters.Create(Name);
        meter.CreateObservableGauge("chat.connections", () => connections.Count, description: "Hub connections on this replica.");
        meter.CreateObservableGauge("chat.users.online", () => Interlocked.Read(ref _onlineUsers), description: "Users online, cluster-wide.");
        Changes = meter.CreateCounter<long>("chat.presence.changes", description: "Presence changes sent to clients (entries, not events).");
    }

    public Counter<long> Changes { get; }

    /// <summary>The cluster-wide count, as read from Redis on the last heartbeat.</summary>
    public void OnlineUsersCounted(long count) => Interlocked.Exchange(ref _onlineUsers, count);
}

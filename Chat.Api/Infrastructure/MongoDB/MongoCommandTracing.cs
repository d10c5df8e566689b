using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoDB.Driver.Core.Configuration;
using MongoDB.Driver.Core.Events;

namespace Chat.Api.Infrastructure.MongoDB;

/// <summary>
/// Turns the driver's command events into client spans (OpenTelemetry database conventions),
/// so a request's trace in the dashboard shows each query under it.
/// </summary>
public static class MongoCommandTracing
{
    public const string ActivitySourceName = "Chat.Api.MongoDB";
    private static readonly ActivitySource Source = new(ActivitySourceName);

    public static void Subscribe(ClusterBuilder cluster, string databaseName)
    {
        // Keyed by the driver's request id: started/succeeded/failed events of one command share it.
        var inFlight = new ConcurrentDictionary<int, Activity>();

        cluster.Subscribe<CommandStartedEvent>(e =>
        {
            // Health probes ping every few seconds; as root spans they would bury real traces.
            if (Activity.Current is null && e.CommandName == "ping") return;

            var collection = CollectionName(e.Command, e.CommandName);
            var activity = Source.CreateActivity(
                collection is null ? e.CommandName : $"{e.CommandName} {collection}", ActivityKind.Client);
            if (activity is null) return;

            activity.SetTag("db.system.name", "mongodb");
            activity.SetTag("db.namespace", e.DatabaseNamespace?.DatabaseName ?? databaseName);
            activity.SetTag("db.operation.name", e.CommandName);
            if (collection is not null) activity.SetTag("db.collection.name", collection);
            if (e.ConnectionId?.ServerId.EndPoint is DnsEndPoint dns)
            {
                activity.SetTag("server.address", dns.Host);
                activity.SetTag("server.port", dns.Port);
            }

            // Start without leaving the span as Activity.Current in the driver's async flow.
            var previous = Activity.Current;
            activity.Start();
            Activity.Current = previous;
            inFlight[e.RequestId] = activity;
        });

        cluster.Subscribe<CommandSucceededEvent>(e =>
        {
            if (inFlight.TryRemove(e.RequestId, out var activity)) activity.Dispose();
        });

        cluster.Subscribe<CommandFailedEvent>(e =>
        {
            if (!inFlight.TryRemove(e.RequestId, out var activity)) return;
            if (e.Failure is MongoException refused && refused.IsDuplicateKey())
            {
                // A unique index said no: an answer the caller expects and handles (a seq taken
                // by another replica, an email already signed up), not a failure of ours.
                activity.SetTag("db.response.status_code", "11000");
            }
            else
            {
                activity.SetStatus(ActivityStatusCode.Error, e.Failure.Message);
                activity.SetTag("error.type", e.Failure.GetType().FullName);
            }
            activity.Dispose();
        });
    }

    // Most commands name their collection as the value of the command's first element
    // ({ find: "messages", ... }); admin commands (ping: 1) do not.
    private static string? CollectionName(BsonDocument command, string commandName) =>
        command.TryGetValue(commandName, out var value) && value.IsString ? value.AsString : null;
}

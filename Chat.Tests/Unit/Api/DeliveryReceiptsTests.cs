using System.Diagnostics.Metrics;
using Chat.Api.Messaging;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;

namespace Chat.Tests.Unit.Api;

public sealed class DeliveryReceiptsTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly MeterListener _listener = new();
    private readonly List<double> _recorded = [];
    private readonly DeliveryReceipts _receipts;

    public DeliveryReceiptsTests()
    {
        var telemetry = new MessagingTelemetry(_services.GetRequiredService<IMeterFactory>());
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == "chat.message.delivery_latency")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, value, _, _) => _recorded.Add(value));
        _listener.Start();
        _receipts = new DeliveryReceipts(telemetry, TimeProvider.System, new MemoryCache(new MemoryCacheOptions()));
    }

    [Fact]
    public void A_receipt_for_a_message_id_made_when_it_says_counts_once_per_connection()
    {
        var createdAt = DateTime.UtcNow.AddMilliseconds(-40);
        var id = ObjectId.GenerateNewId(createdAt).ToString();
        var seen = new HashSet<string>();

        _receipts.Confirm(id, createdAt, seen);
        _receipts.Confirm(id, createdAt, seen);

        var latency = Assert.Single(_recorded);
        Assert.InRange(latency, 0, 5000);
    }

    [Fact]
    public void Forged_receipts_are_ignored()
    {
        var now = DateTime.UtcNow;
        var seen = new HashSet<string>();

        _receipts.Confirm(ObjectId.GenerateNewId(now.AddMinutes(-3)).ToString(), now, seen); // the id says another time
        _receipts.Confirm(ObjectId.GenerateNewId(now).ToString().ToUpperInvariant(), now, seen); // not a canonical id
        _receipts.Confirm("not-an-id", now, seen);
        _receipts.Confirm(ObjectId.GenerateNewId(now.AddMinutes(-10)).ToString(), now.AddMinutes(-10), seen); // too old
        _receipts.Confirm(ObjectId.GenerateNewId(now.AddMinutes(5)).ToString(), now.AddMinutes(5), seen); // from the future

        Assert.Empty(_recorded);
    }

    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
    }
}

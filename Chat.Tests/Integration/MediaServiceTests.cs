using System.Diagnostics.Metrics;
using Chat.Api.Infrastructure.MongoDB;
using Chat.Api.Media;
using Chat.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;
using Microsoft.Extensions.Options;

namespace Chat.Tests.Integration;

/// <summary>The upload pipeline against the MongoDB-wire server: what is recorded, and what is not.</summary>
public sealed class MediaServiceTests : IAsyncLifetime
{
    private MongoStandInProcess _mongo = null!;
    private IMongoDatabase _database = null!;
    private ServiceProvider _services = null!;

    private sealed class FailingStorage : IImageStorage
    {
        public string Name => "failing";
        public Task<(string Url, string ThumbnailUrl)> SaveAsync(string mediaId, ProcessedImage image, CancellationToken cancellationToken) =>
            throw new ImageStorageException(502, "Image storage refused the upload (500: General Error).");
    }

    private MediaService Service(IImageStorage storage, ImageWorkGate? gate = null) =>
        new(new MediaStore(_database), storage, gate ?? Gate(slots: 2, wait: TimeSpan.FromSeconds(2)),
            new MediaTelemetry(_services.GetRequiredService<IMeterFactory>()), TimeProvider.System);

    private static ImageWorkGate Gate(int slots, TimeSpan wait) =>
        new(Options.Create(new MediaOptions { MaxConcurrentImageWork = slots, ImageWorkWait = wait }));

    [Fact]
    public async Task When_every_image_slot_is_busy_an_upload_is_turned_away_with_503_and_retry_after_not_queued()
    {
        var gate = Gate(slots: 1, wait: TimeSpan.FromMilliseconds(50));
        using var busy = await gate.EnterAsync(default);

        var (media, error) = await Service(new FailingStorage(), gate).UploadAsync("owner", TestImages.Jpeg(), use: null, default);

        Assert.Null(media);
        Assert.Equal((503, TimeSpan.FromMilliseconds(50)), (error!.Status, error.RetryAfter));
        Assert.Equal(0, await _database.GetCollection<BsonDocument>("media").CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty));
    }

    [Fact]
    public async Task A_storage_failure_is_a_gateway_error_and_records_nothing()
    {
        var (media, error) = await Service(new FailingStorage()).UploadAsync("owner", TestImages.Jpeg(), use: null, default);

        Assert.Null(media);
        Assert.Equal(502, error!.Status);
        Assert.Equal(0, await _database.GetCollection<BsonDocument>("media").CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty));
    }

    [Fact]
    public async Task A_stored_upload_is_recorded_with_its_owner_and_both_urls()
    {
        var root = Directory.CreateTempSubdirectory("chat-media-").FullName;
        try
        {
            var (media, error) = await Service(new LocalImageStorage(root)).UploadAsync("owner", TestImages.Png(300, 150), use: null, default);

            Assert.Null(error);
            var stored = await new MediaStore(_database).FindAsync(media!.Id, default);
            Assert.Equal(media, stored);
            Assert.Equal(("owner", 300, 150, $"/media/{media.Id}.png", $"/media/{media.Id}_t.png"),
                (stored!.OwnerId, stored.Width, stored.Height, stored.Url, stored.ThumbnailUrl));
            Assert.True(File.Exists(Path.Combine(root, $"{media.Id}.png")));
            Assert.True(File.Exists(Path.Combine(root, $"{media.Id}_t.png")));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    public async Task InitializeAsync()
    {
        MongoDatabaseRegistration.RegisterConventions();
        _mongo = await MongoStandInProcess.StartAsync();
        _database = new MongoClient(_mongo.ConnectionString()).GetDatabase($"media_{Guid.NewGuid():N}");
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _mongo.DisposeAsync();
    }
}

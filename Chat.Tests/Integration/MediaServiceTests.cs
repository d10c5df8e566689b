using System.Diagnostics.Metrics;
using Chat.Api.Infrastructure.MongoDB;
using Chat.Api.Media;
using Chat.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Chat.Tests.Integration;

/// <summary>The upload pipeline against the MongoDB-wire server: what is recorded, what is refused, what is removed.</summary>
public sealed class MediaServiceTests : IAsyncLifetime
{
    private MongoStandInProcess _mongo = null!;
    private IMongoDatabase _database = null!;
    private ServiceProvider _services = null!;
    private string _root = null!;

    private sealed class FailingStorage : IImageStorage
    {
        public string Name => "failing";
        public Task<(string Url, string ThumbnailUrl)> SaveAsync(string mediaId, ProcessedImage image, bool isPrivate, CancellationToken cancellationToken) =>
            throw new ImageStorageException(502, "Image storage refused the upload (500: General Error).");
        public Task DeleteAsync(MediaDocument media, CancellationToken cancellationToken) => Task.CompletedTask;
        public ImageLocation Locate(MediaDocument media, bool thumbnail) => new(null, null);
    }

    private sealed class ShiftedTime(TimeSpan by) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + by;
    }

    private MediaService Service(IImageStorage? storage = null, ImageWorkGate? gate = null, MediaOptions? options = null, TimeProvider? time = null)
    {
        options ??= new MediaOptions();
        return new(new MediaStore(_database), storage ?? new LocalImageStorage(_root), gate ?? new ImageWorkGate(Options.Create(options)),
            Options.Create(options), new MediaTelemetry(_services.GetRequiredService<IMeterFactory>()), time ?? TimeProvider.System,
            NullLogger<MediaService>.Instance);
    }

    private long MediaCount() => _database.GetCollection<BsonDocument>("media").CountDocuments(FilterDefinition<BsonDocument>.Empty);

    [Fact]
    public async Task A_storage_failure_is_a_gateway_error_and_records_nothing()
    {
        var (media, error) = await Service(new FailingStorage()).UploadAsync("owner", TestImages.Jpeg(), use: null, default);

        Assert.Null(media);
        Assert.Equal(502, error!.Status);
        Assert.Equal(0, MediaCount());
    }

    [Fact]
    public async Task A_stored_upload_is_recorded_private_to_its_owner_with_both_files()
    {
        var (media, error) = await Service().UploadAsync("owner", TestImages.Png(300, 150), use: null, default);

        Assert.Null(error);
        var stored = await new MediaStore(_database).FindAsync(media!.Id, default);
        Assert.Equivalent(media, stored); // records compare arrays (Viewers) by reference
        Assert.Equal(("owner", 300, 150, $"/media/{media.Id}.png", $"/media/{media.Id}_t.png", true),
            (stored!.OwnerId, stored.Width, stored.Height, stored.Url, stored.ThumbnailUrl, stored.Private));
        Assert.True(stored.IsVisibleTo("owner"));
        Assert.False(stored.IsVisibleTo("someone else"));
        Assert.False(stored.IsVisibleTo(null));
        Assert.True(File.Exists(Path.Combine(_root, $"{media.Id}.png")));
        Assert.True(File.Exists(Path.Combine(_root, $"{media.Id}_t.png")));
    }

    [Fact]
    public async Task When_every_image_slot_is_busy_an_upload_is_turned_away_with_503_and_retry_after_not_queued()
    {
        var options = new MediaOptions { MaxConcurrentImageWork = 1, ImageWorkWait = TimeSpan.FromMilliseconds(50) };
        var gate = new ImageWorkGate(Options.Create(options));
        using var busy = await gate.EnterAsync(default);

        var (media, error) = await Service(gate: gate, options: options).UploadAsync("owner", TestImages.Jpeg(), use: null, default);

        Assert.Null(media);
        Assert.Equal((503, TimeSpan.FromMilliseconds(50)), (error!.Status, error.RetryAfter));
        Assert.Equal(0, MediaCount());
    }

    [Fact]
    public async Task An_upload_past_the_owners_quota_is_a_413_and_stores_nothing()
    {
        var service = Service(options: new MediaOptions { QuotaBytesPerUser = 1024 * 1024 });
        var big = TestImages.NoisePng(300, 300); // about 360 KB
        var uploads = 0;
        while ((await service.UploadAsync("owner", big, use: null, default)).Error is null) uploads++;

        var (media, error) = await service.UploadAsync("owner", big, use: null, default);
        var (other, otherError) = await service.UploadAsync("someone else", big, use: null, default);

        Assert.InRange(uploads, 1, 10);
        Assert.Null(media);
        Assert.Equal(413, error!.Status);
        Assert.Null(otherError); // a quota per user
        Assert.NotNull(other);
    }

    [Fact]
    public async Task Unused_uploads_older_than_their_lifetime_are_removed_with_their_files_and_used_ones_stay()
    {
        var service = Service();
        var (unused, _) = await service.UploadAsync("owner", TestImages.Jpeg(), use: null, default);
        var (used, _) = await service.UploadAsync("owner", TestImages.Jpeg(), use: null, default);
        await service.ClaimForMessageAsync(used!.Id, "owner", ["peer"], null, "c1", default);

        Assert.Equal(0, await service.DeleteUnusedAsync(default)); // not a day old yet
        var aDayLater = Service(time: new ShiftedTime(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1)));
        Assert.Equal(1, await aDayLater.DeleteUnusedAsync(default));

        Assert.Null(await new MediaStore(_database).FindAsync(unused!.Id, default));
        Assert.False(File.Exists(Path.Combine(_root, $"{unused.Id}.jpg")));
        Assert.NotNull(await new MediaStore(_database).FindAsync(used.Id, default));
        Assert.True(File.Exists(Path.Combine(_root, $"{used.Id}.jpg")));
    }

    [Fact]
    public async Task A_claimed_image_becomes_visible_to_the_recipient_only()
    {
        var service = Service();
        var (media, _) = await service.UploadAsync("ann", TestImages.Jpeg(), use: null, default);

        await service.ClaimForMessageAsync(media!.Id, "ann", ["ben"], null, "c1", default);
        var claimed = (await service.FindAsync(media.Id, default))!;

        Assert.True(claimed.IsVisibleTo("ben"));
        Assert.True(claimed.IsVisibleTo("ann"));
        Assert.False(claimed.IsVisibleTo("cat"));
        Assert.False(claimed.IsVisibleTo(null));
    }

    public async Task InitializeAsync()
    {
        MongoDatabaseRegistration.RegisterConventions();
        _mongo = await MongoStandInProcess.StartAsync();
        _database = new MongoClient(_mongo.ConnectionString()).GetDatabase($"media_{Guid.NewGuid():N}");
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        _root = Directory.CreateTempSubdirectory("chat-media-").FullName;
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _mongo.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }
}

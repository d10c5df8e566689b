using System.Diagnostics;
using Chat.Api.Infrastructure;

namespace Chat.Api.Exports;

/// <summary>
/// Prepares exports on every replica, one at a time each, so a burst of requests costs the
/// cluster at most one export's work per replica: claims the oldest waiting one (a lease it
/// renews as it goes; a replica that dies leaves it to another after <see cref="Lease"/>), writes
/// the zip to a temporary file, stores it in GridFS and marks it ready. A failure is tried again
/// up to <see cref="MaxAttempts"/> times. Expired exports and their zips are swept here too.
/// </summary>
public sealed class ExportWorker(
    ExportStore store, ExportBuilder builder, ExportTelemetry telemetry, ApiInstance instance, TimeProvider time, ILogger<ExportWorker> logger)
    : BackgroundService
{
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private const int MaxAttempts = 3;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(PollInterval);
        var sweptAt = DateTime.MinValue;
        try
        {
            do
            {
                try
                {
                    var now = time.GetUtcNow().UtcDateTime;
                    if (now - sweptAt > TimeSpan.FromMinutes(1))
                    {
                        foreach (var expired in await store.ExpiredAsync(now, stoppingToken)) await store.DeleteAsync(expired, stoppingToken);
                        sweptAt = now;
                    }
                    while (await store.ClaimNextAsync(instance.Id, time.GetUtcNow().UtcDateTime, Lease, stoppingToken) is { } export)
                    {
                        await PrepareAsync(export, stoppingToken);
                    }
                }
                catch (Exception ex) when (DependencyFailures.IsUnavailable(ex))
                {
                    logger.LogWarning(ex, "Exports not looked at; trying again shortly.");
                }
            } while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: an export being prepared is left to another replica once its lease ends.
        }
    }

    private async Task PrepareAsync(ExportDocument export, CancellationToken stoppingToken)
    {
        using var activity = ExportTelemetry.Source.StartActivity("prepare export");
        activity?.SetTag("chat.export.id", export.Id);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await using var zip = new FileStream(Path.Combine(Path.GetTempPath(), $"chat-export-{export.Id}.zip"), FileMode.Create, FileAccess.ReadWrite,
                FileShare.None, bufferSize: 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
            await builder.WriteAsync(export.UserId, zip, async progress =>
            {
                if (!await store.ProgressAsync(export.Id, instance.Id, Math.Round(progress, 3), time.GetUtcNow().UtcDateTime + Lease, stoppingToken))
                {
                    throw new OperationCanceledException("Another replica took the export over.");
                }
            }, stoppingToken);
            telemetry.Bytes.Record(zip.Length);
            zip.Position = 0;
            var fileId = await store.UploadAsync($"chat-export-{export.Id}.zip", zip, stoppingToken);
            await store.FinishAsync(export.Id, instance.Id, ExportDocument.Ready, fileId, stoppingToken);
            telemetry.Ended(ExportDocument.Ready);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            var giveUp = export.Attempts >= MaxAttempts;
            logger.LogWarning(ex, "Export {ExportId} failed (attempt {Attempt}){Outcome}.", export.Id, export.Attempts, giveUp ? "; given up" : "; tried again");
            if (giveUp) await store.FinishAsync(export.Id, instance.Id, ExportDocument.Failed, null, CancellationToken.None);
            else await store.ProgressAsync(export.Id, instance.Id, 0, time.GetUtcNow().UtcDateTime, CancellationToken.None); // free to claim again
            telemetry.Ended(giveUp ? ExportDocument.Failed : "retried");
        }
        finally
        {
            telemetry.Duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }
}

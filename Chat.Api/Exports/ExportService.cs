using System.Security.Cryptography;
using Chat.Api.Security;
using Chat.Api.Validation;
using Microsoft.AspNetCore.WebUtilities;

namespace Chat.Api.Exports;

/// <summary>
/// "Export my data" (docs/api.md, Version 1.3): a request is stored and prepared in the
/// background by whichever replica's <see cref="ExportWorker"/> claims it; its owner follows the
/// progress and downloads the zip for a day. One at a time per user (asking again while one is
/// being prepared returns it), and <see cref="RateLimitOptions.Exports"/> a day.
/// </summary>
public sealed class ExportService(ExportStore store, UserRateLimits limits, TimeProvider time)
{
    public static readonly TimeSpan AvailableFor = TimeSpan.FromDays(1);
    private static readonly ClientError NotFound = ClientError.NotFound("Export");

    public async Task<(ExportDocument? Export, ClientError? Error)> RequestAsync(string userId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if ((await store.OfUserAsync(userId, cancellationToken)).FirstOrDefault(e => e.Status == ExportDocument.Preparing && e.ExpiresAt > now) is { } running)
        {
            return (running, null);
        }
        using (var lease = await limits.AcquireAsync(RateLimits.Exports, userId, cancellationToken))
        {
            if (!lease.IsAcquired) return (null, RateLimits.Rejected(lease));
        }
        var export = new ExportDocument
        {
            // The download's address is the owner's alone, and unguessable besides.
            Id = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(16)),
            UserId = userId,
            Status = ExportDocument.Preparing,
            CreatedAt = now,
            ExpiresAt = now + AvailableFor,
        };
        await store.InsertAsync(export, cancellationToken);
        return (export, null);
    }

    /// <summary>The user's own export; anyone else's, or an expired one, is none (404).</summary>
    public async Task<(ExportDocument? Export, ClientError? Error)> GetAsync(string userId, string id, CancellationToken cancellationToken)
    {
        if (id.Length > 64) return (null, NotFound);
        var export = await store.FindAsync(id, cancellationToken);
        return export is not null && export.UserId == userId && export.ExpiresAt > time.GetUtcNow().UtcDateTime ? (export, null) : (null, NotFound);
    }

    /// <summary>The zip of a ready export of the user's.</summary>
    public async Task<(Stream? Zip, ClientError? Error)> OpenAsync(string userId, string id, CancellationToken cancellationToken)
    {
        var (export, error) = await GetAsync(userId, id, cancellationToken);
        if (export?.FileId is not { } fileId || export.Status != ExportDocument.Ready) return (null, error ?? NotFound);
        return (await store.OpenDownloadAsync(fileId, cancellationToken), null);
    }

    /// <summary>A deleted account's exports go with it.</summary>
    public async Task DeleteAllOfAsync(string userId, CancellationToken cancellationToken)
    {
        foreach (var export in await store.OfUserAsync(userId, cancellationToken)) await store.DeleteAsync(export, cancellationToken);
    }
}

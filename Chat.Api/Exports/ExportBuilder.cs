using System.IO.Compression;
using System.Text.Json;
using Chat.Api.Accounts;
using Chat.Api.Contacts;
using Chat.Api.Identity;
using Chat.Api.Media;
using Chat.Api.Messaging;
using Chat.Api.Privacy;

namespace Chat.Api.Exports;

/// <summary>
/// One user's data as a zip: <c>profile.json</c> (with the privacy choices), <c>sessions.json</c>,
/// <c>blocks.json</c>, <c>conversations.json</c>, <c>messages/{conversationId}.json</c> (every
/// message the user can read, as the API shows it to them: a group's within their windows) and
/// <c>media/</c> (the user's own uploads). Nothing of anyone else's beyond what the user can read
/// in Chat. Written to a temporary file, a page of messages at a time, so memory stays flat
/// however long the history.
/// </summary>
public sealed class ExportBuilder(
    UserStore users, PrivacySettings privacy, Sessions sessions, ContactDirectory contacts, ConversationReader reader,
    ConversationAccess access, MessageStore messages, MessageViews views, MediaStore mediaStore, IImageStorage storage,
    IHttpClientFactory http)
{
    private const int PageSize = 500;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Writes the zip into <paramref name="zip"/>; <paramref name="progress"/> hears the share done (0 to 1) after each part.</summary>
    public async Task WriteAsync(string userId, Stream zip, Func<double, Task> progress, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(userId, cancellationToken) ?? throw new InvalidOperationException($"No user {userId}.");
        var conversations = await reader.ConversationsAsync(userId, cancellationToken);
        var uploads = await mediaStore.OwnedByAsync(userId, cancellationToken);
        var parts = 4.0 + conversations.Count + uploads.Count;
        var done = 0;

        await using var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true);
        await WriteJsonAsync(archive, "profile.json", new
        {
            user = user.ToResponse(),
            privacy = (await privacy.OfAsync(userId, cancellationToken)).ToResponse(),
            lastSeenAt = user.LastSeenAt,
        }, cancellationToken);
        await WriteJsonAsync(archive, "sessions.json", (await sessions.ActiveOfAsync(userId, cancellationToken))
            .Select(s => new { s.Id, s.Device, s.CreatedAt, s.LastActiveAt, s.Place }), cancellationToken);
        await WriteJsonAsync(archive, "blocks.json", await contacts.BlockedAsync(userId, cancellationToken), cancellationToken);
        await WriteJsonAsync(archive, "conversations.json", conversations, cancellationToken);
        await progress((done += 4) / parts);

        foreach (var conversation in conversations)
        {
            await WriteMessagesAsync(archive, userId, conversation.Id, cancellationToken);
            await progress(++done / parts);
        }
        foreach (var upload in uploads)
        {
            var entry = archive.CreateEntry($"media/{upload.Id}.{upload.Extension}", CompressionLevel.NoCompression); // already compressed
            await using (var target = await entry.OpenAsync(cancellationToken))
            await using (var source = await OpenAsync(upload, cancellationToken))
            {
                await source.CopyToAsync(target, cancellationToken);
            }
            await progress(++done / parts);
        }
    }

    // A JSON array written a page at a time.
    private async Task WriteMessagesAsync(ZipArchive archive, string userId, string conversationId, CancellationToken cancellationToken)
    {
        var (grant, _) = await access.ByIdAsync(userId, conversationId, ConversationNeed.Read, cancellationToken);
        if (grant is null) return;
        await using var entry = await archive.CreateEntry($"messages/{conversationId}.json", CompressionLevel.Optimal).OpenAsync(cancellationToken);
        await using var writer = new Utf8JsonWriter(entry, new JsonWriterOptions { Indented = true });
        writer.WriteStartArray();
        long after = 0;
        while (true)
        {
            var (page, hasMore) = await messages.PageAsync(grant.ConversationId, grant.Windows, before: null, after, PageSize, cancellationToken);
            foreach (var message in await views.ForAsync(userId, page, cancellationToken)) JsonSerializer.Serialize(writer, message, Json);
            await writer.FlushAsync(cancellationToken);
            if (!hasMore || page.Count == 0) break;
            after = page[^1].Seq;
        }
        writer.WriteEndArray();
    }

    private static async Task WriteJsonAsync<T>(ZipArchive archive, string name, T value, CancellationToken cancellationToken)
    {
        await using var entry = await archive.CreateEntry(name, CompressionLevel.Optimal).OpenAsync(cancellationToken);
        await JsonSerializer.SerializeAsync(entry, value, Json, cancellationToken);
    }

    // Where the storage keeps it: a local file, or (Cloudinary) a short-lived signed URL.
    private async Task<Stream> OpenAsync(MediaDocument upload, CancellationToken cancellationToken)
    {
        var location = storage.Locate(upload, thumbnail: false);
        if (location.FilePath is { } path) return File.OpenRead(path);
        return await http.CreateClient(nameof(ExportBuilder)).GetStreamAsync(location.RedirectTo, cancellationToken);
    }
}

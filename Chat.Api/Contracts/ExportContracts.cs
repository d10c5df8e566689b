namespace Chat.Api.Contracts;

// "Export" in docs/api.md (Version 1.3).

/// <summary>
/// A download of everything of mine being prepared (<c>Status</c> "preparing", <c>Progress</c> 0 to 1),
/// ready (<c>DownloadUrl</c> set until <c>ExpiresAt</c>) or failed (ask for another).
/// </summary>
public sealed record ExportResponse(string Id, string Status, double Progress, string? DownloadUrl, DateTime ExpiresAt);

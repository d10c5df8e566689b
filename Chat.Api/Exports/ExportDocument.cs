using Chat.Api.Contracts;
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace Chat.Api.Exports;

/// <summary>
/// One requested download in <c>exports</c>: prepared by whichever replica claims it (a lease,
/// renewed while it works, so a replica that dies leaves it to another), its zip in GridFS, both
/// gone once it expires.
/// </summary>
public sealed record ExportDocument
{
    public const string Preparing = "preparing";
    public const string Ready = "ready";
    public const string Failed = "failed";

    [BsonId]
    public required string Id { get; init; }
    public required string UserId { get; init; }
    public required string Status { get; init; }
    public double Progress { get; init; }
    public required DateTime CreatedAt { get; init; }
    public required DateTime ExpiresAt { get; init; }
    /// <summary>Until when the replica preparing it holds it (the past: free to claim).</summary>
    public DateTime ClaimedUntil { get; init; } = DateTime.MinValue;
    public string? ClaimedBy { get; init; }
    /// <summary>The zip in the <c>exports</c> GridFS bucket, once ready.</summary>
    public ObjectId? FileId { get; init; }
    public int Attempts { get; init; }

    public ExportResponse ToResponse() => new(Id, Status, Progress,
        Status == Ready ? $"/api/account/export/{Id}/download" : null, ExpiresAt);
}

namespace Chat.Api.Contracts;

/// <summary>
/// The limits a client needs before it sends (GET /api/limits): defined once, on the server, so
/// the web client's checks and hints cannot drift from what the API enforces.
/// </summary>
public sealed record LimitsResponse(
    int MaxMessageTextLength, long MaxImageBytes, IReadOnlyList<string> ImageContentTypes,
    int MaxFullNameLength, int MinPasswordLength, int MaxPasswordLength, int MaxGroupMembers, int MaxGroupNameLength);

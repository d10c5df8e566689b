using Chat.Api.Accounts;
using Chat.Api.Validation;
using Microsoft.Extensions.Caching.Memory;

namespace Chat.Api.Messaging;

/// <summary>
/// Whether a user may have a conversation with <c>peerId</c>: someone else, who exists, named by
/// the canonical form of their id (so one pair of users has exactly one conversation). Asked on
/// every send, read mark and history page, so the answer for a user who exists is remembered:
/// accounts are never deleted, so "exists" stays true.
/// </summary>
public sealed class PeerCheck(UserStore users, IMemoryCache known)
{
    private static readonly TimeSpan RememberedFor = TimeSpan.FromMinutes(30);

    /// <summary>A well-formed id of someone else; no database call. Enough before a cheaper refusal (typing's throttle).</summary>
    public static ClientError? CheckShape(string userId, string? peerId)
    {
        if (string.IsNullOrEmpty(peerId)) return ClientError.Invalid("peerId", "peerId is required.");
        // Ids are lower-case hex: another spelling of an existing id would open a second,
        // phantom conversation that the peer never sees.
        if (!UserIds.IsCanonical(peerId)) return ClientError.NotFound("User");
        if (peerId == userId) return ClientError.Invalid("peerId", "A conversation needs someone else.");
        return null;
    }

    /// <summary>A well-formed id of someone else this replica already knows to exist; no database call.</summary>
    public bool IsKnown(string userId, string? peerId) => CheckShape(userId, peerId) is null && Remembered(peerId!);

    public async Task<ClientError?> CheckAsync(string userId, string? peerId, CancellationToken cancellationToken)
    {
        if (CheckShape(userId, peerId) is { } invalid) return invalid;
        if (Remembered(peerId!)) return null;
        if (await users.FindByIdAsync(peerId!, cancellationToken) is null) return ClientError.NotFound("User");
        known.Set(KnownKey(peerId!), true, RememberedFor);
        return null;
    }

    private bool Remembered(string peerId) => known.TryGetValue(KnownKey(peerId), out _);

    private static string KnownKey(string userId) => $"peer:{userId}";
}

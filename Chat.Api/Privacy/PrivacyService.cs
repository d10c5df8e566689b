using Chat.Api.Contracts;
using Chat.Api.Presence;
using Chat.Api.Validation;

namespace Chat.Api.Privacy;

/// <summary>The user's privacy choices (docs/api.md, Version 1.3): read, changed, and made to show at once.</summary>
public sealed class PrivacyService(PrivacySettings settings, PresenceTracker presence)
{
    public async Task<PrivacyResponse> GetAsync(string userId, CancellationToken cancellationToken) =>
        (await settings.OfAsync(userId, cancellationToken)).ToResponse();

    public async Task<(PrivacyResponse? Privacy, ClientError? Error)> UpdateAsync(
        string userId, PrivacyRequest request, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors()
            .Check(request.LastSeen is null || PrivacyDocument.LastSeenChoices.Contains(request.LastSeen), "lastSeen",
                $"lastSeen must be one of: {string.Join(", ", PrivacyDocument.LastSeenChoices)}.")
            .Check(request.MessagesFrom is null || PrivacyDocument.MessagesFromChoices.Contains(request.MessagesFrom), "messagesFrom",
                $"messagesFrom must be one of: {string.Join(", ", PrivacyDocument.MessagesFromChoices)}.");
        if (ClientError.From(errors) is { } invalid) return (null, invalid);

        var before = await settings.OfAsync(userId, cancellationToken);
        var after = before with
        {
            ReadReceipts = request.ReadReceipts ?? before.ReadReceipts,
            LastSeen = request.LastSeen ?? before.LastSeen,
            MessagesFrom = request.MessagesFrom ?? before.MessagesFrom,
        };
        if (after == before) return (after.ToResponse(), null);
        await settings.SaveAsync(userId, after, cancellationToken);
        // Whoever held the user's presence from before is told what they may see now.
        if (after.LastSeen != before.LastSeen) await presence.RestateAsync(userId, cancellationToken);
        return (after.ToResponse(), null);
    }
}

using Chat.Api.Accounts;
using Chat.Api.Privacy;

namespace Chat.Api.Presence;

/// <summary>
/// Who may see a user online and when they were last seen, by their "last seen" choice:
/// everyone; their conversations (<see cref="ConversationTies"/>); nobody. Their own devices
/// always see them.
/// </summary>
public sealed class PresenceAudience(PrivacySettings privacy, ConversationTies ties)
{
    /// <summary>Each user's audience: null for everyone, else the users who may see them (themselves included).</summary>
    public async Task<Dictionary<string, IReadOnlySet<string>?>> OfManyAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken)
    {
        var choices = await privacy.OfManyAsync(userIds, cancellationToken);
        var audiences = new Dictionary<string, IReadOnlySet<string>?>();
        foreach (var (userId, choice) in choices)
        {
            audiences[userId] = choice.LastSeen switch
            {
                PrivacyDocument.Everyone => null,
                PrivacyDocument.Conversations => (await ties.OfAsync(userId, cancellationToken)).Append(userId).ToHashSet(),
                _ => new HashSet<string> { userId },
            };
        }
        return audiences;
    }

    /// <summary>Which of these users hide their presence from <paramref name="viewerId"/> (their stored choices at hand).</summary>
    public async Task<HashSet<string>> HiddenFromAsync(string viewerId, IReadOnlyList<UserDocument> users, CancellationToken cancellationToken)
    {
        var hidden = users.Where(u => u.Id != viewerId && (u.Privacy ?? PrivacyDocument.Default).LastSeen == PrivacyDocument.Nobody)
            .Select(u => u.Id).ToHashSet();
        var toPartners = users.Where(u => u.Id != viewerId && (u.Privacy ?? PrivacyDocument.Default).LastSeen == PrivacyDocument.Conversations).ToList();
        if (toPartners.Count == 0) return hidden;
        var viewersTies = await ties.OfAsync(viewerId, cancellationToken);
        hidden.UnionWith(toPartners.Where(u => !viewersTies.Contains(u.Id)).Select(u => u.Id));
        return hidden;
    }
}

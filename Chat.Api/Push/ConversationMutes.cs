using Chat.Api.Contracts;
using Chat.Api.Infrastructure.MongoDB;
using Chat.Api.Messaging;
using Chat.Api.Realtime;
using Chat.Api.Validation;

namespace Chat.Api.Push;

/// <summary>
/// Muting a conversation, kept on the server so it follows the user to every device: a muted
/// conversation sends them no push (but for a mention in a group), and their clients show it
/// muted and stop notifying. Any conversation the user can read may be muted, also one they left.
/// </summary>
public sealed class ConversationMutes(PushStore store, PushAudience audience, ConversationAccess access, ChatNotifier notifier, TimeProvider time)
{
    public async Task<ClientError?> SetAsync(string userId, string? id, bool muted, CancellationToken cancellationToken)
    {
        var (grant, refused) = await access.ByPeerOrGroupIdAsync(userId, id, ConversationNeed.Read, cancellationToken);
        if (grant is null) return refused;
        if (muted) await store.MuteAsync(userId, grant.ConversationId, time.UtcNowForStorage(), cancellationToken);
        else await store.UnmuteAsync(userId, grant.ConversationId, cancellationToken);
        await audience.ChangedAsync(userId);
        await notifier.MuteChangedAsync(userId, new MuteChangedEvent(grant.ConversationId, muted));
        return null;
    }

    /// <summary>The conversation ids the user muted (for their conversation list).</summary>
    public Task<HashSet<string>> OfAsync(string userId, CancellationToken cancellationToken) => store.MutedByAsync(userId, cancellationToken);
}

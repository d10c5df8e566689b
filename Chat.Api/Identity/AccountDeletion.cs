using Chat.Api.Accounts;
using Chat.Api.Blocking;
using Chat.Api.Contracts;
using Chat.Api.Exports;
using Chat.Api.Groups;
using Chat.Api.Media;
using Chat.Api.Messaging;
using Chat.Api.Privacy;
using Chat.Api.Push;
using Chat.Api.Validation;

namespace Chat.Api.Identity;

/// <summary>
/// Deleting one's account (docs/api.md, Version 1.3): the password again, then every session ends
/// (devices, connections, pushes), the groups are left, blocks and mutes go, the uploads go, the
/// privacy settings share nothing, and
/// the account becomes "Deleted account" (no email, so it can sign up again; no name, so the
/// directory and search never find it). Its messages become tombstones in the other people's
/// histories, as a deleted message is, unless the user chose to keep them for the people they
/// talked with. Erasure is the default: it is what deleting means to the person asking (and what
/// privacy law asks), and keeping is a choice they make for others.
/// </summary>
public sealed class AccountDeletion(
    AuthService auth, UserStore users, GroupStore groupStore, GroupService groups, BlockList blocks, PushStore pushStore,
    PushAudience pushAudience, PrivacySettings privacy, ExportService exports, MediaService media, MessageStore messages, PeerCheck peers, TimeProvider time,
    ILogger<AccountDeletion> logger)
{
    public async Task<ClientError?> DeleteAsync(
        System.Security.Claims.ClaimsPrincipal principal, DeleteAccountRequest request, AuthService.Device device, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors().Check(request.Password is { Length: > 0 and <= AccountValidation.PasswordMaxLength }, "password",
            $"password is required, at most {AccountValidation.PasswordMaxLength} characters.");
        if (ClientError.From(errors) is { } invalid) return invalid;
        var (user, refused) = await auth.ConfirmPasswordAsync(principal.UserId(), request.Password!, device, cancellationToken);
        if (user is null) return refused;
        var keepMessages = request.KeepMessages ?? false;

        // Its settings first become "share nothing", so not even its going offline is announced;
        // then it is signed out, so nothing new arrives from it while the rest goes.
        await privacy.SaveAsync(user.Id, PrivacyDocument.Withheld, cancellationToken);
        await auth.LogOutEverywhereAsync(user.Id, cancellationToken);
        foreach (var membership in (await groupStore.MembershipsOfAsync(user.Id, cancellationToken)).Where(m => m.IsIn))
        {
            await groups.RemoveAsync(user.Id, membership.GroupId, user.Id, cancellationToken);
        }
        await users.MarkDeletedAsync(user.Id, time.GetUtcNow().UtcDateTime, cancellationToken);
        await peers.AccountDeletedAsync(user.Id);
        await blocks.ForgetUserAsync(user.Id, cancellationToken);
        await pushStore.DeleteMutesOfAsync(user.Id, cancellationToken);
        await pushAudience.ChangedAsync(user.Id);
        if (!keepMessages) await messages.EraseMessagesOfAsync(user.Id, cancellationToken);
        await media.DeleteOwnedByAsync(user.Id, keepMessageImages: keepMessages, cancellationToken);
        await exports.DeleteAllOfAsync(user.Id, cancellationToken);
        logger.LogInformation("Account {UserId} deleted; messages {Kept}.", user.Id, keepMessages ? "kept" : "erased");
        return null;
    }
}

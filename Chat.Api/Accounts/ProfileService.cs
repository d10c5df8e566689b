using Chat.Api.Contracts;
using Chat.Api.Media;
using Chat.Api.Validation;

namespace Chat.Api.Accounts;

/// <summary>The user's own profile: the name others see, and the photo (the thumbnail of an upload).</summary>
public sealed class ProfileService(UserStore users, MediaService media)
{
    public async Task<(UserResponse? User, ClientError? Error)> UpdateFullNameAsync(
        string userId, string? fullName, CancellationToken cancellationToken)
    {
        var normalized = AccountValidation.NormalizeFullName(fullName);
        if (ClientError.From(new ValidationErrors().FullName(normalized)) is { } invalid) return (null, invalid);
        return await users.UpdateFullNameAsync(userId, normalized, cancellationToken) is { } user
            ? (user.ToResponse(), null)
            : (null, ClientError.SessionEnded);
    }

    public async Task<(UserResponse? User, ClientError? Error)> UpdateAvatarAsync(
        string userId, byte[] file, CancellationToken cancellationToken)
    {
        var (stored, error) = await media.UploadAsync(userId, file, use: MediaService.AvatarUse, cancellationToken);
        if (error is not null) return (null, error);
        if (await users.SetAvatarAsync(userId, stored!.ThumbnailUrl, cancellationToken) is not { } user) return (null, ClientError.SessionEnded);
        // The photo it replaces is not shown anywhere any more: it leaves the storage and the quota.
        await media.DeleteOtherAvatarsAsync(userId, stored.Id, cancellationToken);
        return (user.ToResponse(), null);
    }
}

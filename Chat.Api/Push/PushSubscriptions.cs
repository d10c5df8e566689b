using System.Security.Cryptography;
using Chat.Api.Contracts;
using Chat.Api.Identity;
using Chat.Api.Infrastructure.MongoDB;
using Chat.Api.Validation;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace Chat.Api.Push;

/// <summary>
/// The devices a user is reached on when Chat is closed: subscribe (one per endpoint, tied to the
/// session that made it, a few per user), list, turn off; and the ends a session's devices meet
/// with it (log-out, log-out everywhere). Every change drops the user's cached <see cref="PushAudience"/> profile.
/// </summary>
public sealed class PushSubscriptions(PushStore store, PushAudience audience, PushEndpoints endpoints, VapidKeys keys,
    IOptions<PushOptions> options, TimeProvider time)
{
    public static readonly ClientError Off = new(StatusCodes.Status404NotFound, "Push is not configured",
        Detail: "This server has no VAPID key (the AppHost's push-vapid-key parameter).");

    public sealed record Device(string UserId, string SessionId, DateTimeOffset SessionExpiresAt, string? UserAgent);

    public (PushKeyResponse? Key, ClientError? Error) PublicKey() =>
        keys.PublicKey is { } key ? (new PushKeyResponse(key), null) : (null, Off);

    public async Task<ClientError?> SubscribeAsync(Device device, PushSubscriptionRequest? request, CancellationToken cancellationToken)
    {
        if (keys.PublicKey is null) return Off;
        var p256dh = Decode(request?.Keys?.P256dh);
        var auth = Decode(request?.Keys?.Auth);
        var errors = new ValidationErrors()
            .Check(endpoints.IsAllowed(request?.Endpoint), "endpoint",
                $"endpoint must be an https address of a push service this server sends to (at most {PushEndpoints.MaxLength} characters).")
            .Check(p256dh is { Length: 65 } && IsPoint(p256dh), "keys.p256dh", "keys.p256dh must be a P-256 public key (65 bytes, base64url).")
            .Check(auth is { Length: 16 }, "keys.auth", "keys.auth must be a 16-byte secret (base64url).");
        if (ClientError.From(errors) is { } invalid) return invalid;

        var id = PushSubscriptionDocument.IdOf(request!.Endpoint!);
        var mine = await store.OfUserAsync(device.UserId, cancellationToken);
        var max = options.Value.MaxSubscriptionsPerUser;
        if (mine.Count(s => s.Id != id) >= max)
        {
            return new ClientError(StatusCodes.Status409Conflict, "Too many devices",
                Detail: $"At most {max} devices receive pushes; turn one off in your profile first.");
        }
        // An endpoint belongs to the browser, so to whoever signed in there last.
        var previous = mine.Any(s => s.Id == id) ? null : await store.FindAsync(id, cancellationToken);
        await store.SaveAsync(new PushSubscriptionDocument
        {
            Id = id,
            UserId = device.UserId,
            SessionId = device.SessionId,
            SessionExpiresAt = device.SessionExpiresAt.UtcDateTime,
            Endpoint = request.Endpoint!,
            P256dh = request.Keys!.P256dh!,
            Auth = request.Keys.Auth!,
            Device = DeviceNames.Describe(device.UserAgent),
            CreatedAt = time.UtcNowForStorage(),
        }, cancellationToken);
        await audience.ChangedAsync(device.UserId);
        if (previous is not null && previous.UserId != device.UserId) await audience.ChangedAsync(previous.UserId);
        return null;
    }

    public async Task<List<PushDeviceResponse>> DevicesAsync(string userId, string? sessionId, CancellationToken cancellationToken) =>
        (await store.OfUserAsync(userId, cancellationToken))
            .Select(s => new PushDeviceResponse(s.Id, s.Device, s.CreatedAt, s.SessionId == sessionId))
            .ToList();

    /// <summary>Turns off the device of this endpoint, if it is the user's (204 either way: the endpoint is the browser's secret).</summary>
    public async Task<ClientError?> UnsubscribeAsync(string userId, PushUnsubscribeRequest? request, CancellationToken cancellationToken)
    {
        if (request?.Endpoint is not { Length: > 0 and <= PushEndpoints.MaxLength } endpoint) return ClientError.Invalid("endpoint", "endpoint is required.");
        await RemoveAsync(userId, PushSubscriptionDocument.IdOf(endpoint), cancellationToken);
        return null;
    }

    /// <summary>Turns off one device from the list (404 when the user has no such device).</summary>
    public async Task<ClientError?> RemoveDeviceAsync(string userId, string id, CancellationToken cancellationToken) =>
        await RemoveAsync(userId, id, cancellationToken) ? null : ClientError.NotFound("Device");

    /// <summary>A push service said the endpoint is gone (404/410).</summary>
    public Task<bool> EndedByPushServiceAsync(PushSubscriptionDocument subscription) =>
        RemoveAsync(subscription.UserId, subscription.Id, CancellationToken.None);

    /// <summary>Log-out: this device receives no more pushes.</summary>
    public async Task SessionEndedAsync(string userId, string sessionId, CancellationToken cancellationToken)
    {
        await store.DeleteOfSessionAsync(userId, sessionId, cancellationToken);
        await audience.ChangedAsync(userId);
    }

    /// <summary>Log-out everywhere (a password change: but for <paramref name="exceptSessionId"/>): no device of the user receives pushes.</summary>
    public async Task UserSignedOutAsync(string userId, CancellationToken cancellationToken, string? exceptSessionId = null)
    {
        await store.DeleteOfUserAsync(userId, exceptSessionId, cancellationToken);
        await audience.ChangedAsync(userId);
    }

    private async Task<bool> RemoveAsync(string userId, string id, CancellationToken cancellationToken)
    {
        if (id.Length > 64 || !await store.DeleteAsync(userId, id, cancellationToken)) return false;
        await audience.ChangedAsync(userId);
        return true;
    }

    private static byte[]? Decode(string? base64Url)
    {
        if (base64Url is not { Length: > 0 and <= 128 }) return null;
        try
        {
            return WebEncoders.Base64UrlDecode(base64Url.TrimEnd('='));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>An uncompressed point on P-256: anything else could not be encrypted for, only fail later.</summary>
    private static bool IsPoint(byte[] key)
    {
        if (key[0] != 0x04) return false;
        try
        {
            using var ecdh = ECDiffieHellman.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = key[1..33], Y = key[33..] },
            });
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}

using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace Chat.Api.Push;

/// <summary>
/// The server's VAPID key pair (RFC 8292): a P-256 key whose private scalar is the SHA-256 of the
/// secret <see cref="PushOptions.VapidKey"/>. A parameter generator makes random text, not EC keys;
/// hashing it gives every replica (and every restart) the same valid key from the one secret.
/// </summary>
public sealed class VapidKeys
{
    public VapidKeys(IOptions<PushOptions> options)
    {
        if (options.Value.VapidKey is not { Length: > 0 } secret) return;
        var d = SHA256.HashData(Encoding.UTF8.GetBytes(secret));
        using var key = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = d });
        var q = key.ExportParameters(includePrivateParameters: false).Q;
        PublicKey = WebEncoders.Base64UrlEncode([0x04, .. q.X!, .. q.Y!]);
        PrivateKey = WebEncoders.Base64UrlEncode(d);
    }

    /// <summary>The uncompressed public point, base64url: what browsers pass as <c>applicationServerKey</c>.</summary>
    public string? PublicKey { get; }

    /// <summary>The private scalar, base64url (for the push client's VAPID signatures).</summary>
    public string? PrivateKey { get; }
}

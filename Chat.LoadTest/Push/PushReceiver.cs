using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace Chat.LoadTest.Push;

/// <summary>
/// A browser's side of Web Push encryption (RFC 8291 with RFC 8188's aes128gcm), written from the
/// RFCs and independent of the server's library: the key pair and auth secret a subscription
/// shares, and the decryption of a push's body with them.
/// </summary>
public sealed class PushReceiver : IDisposable
{
    private readonly ECDiffieHellman _key;

    public PushReceiver() : this(ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256), RandomNumberGenerator.GetBytes(16))
    {
    }

    private PushReceiver(ECDiffieHellman key, byte[] authSecret)
    {
        _key = key;
        AuthSecret = authSecret;
        var q = key.ExportParameters(false).Q;
        PublicKey = [0x04, .. q.X!, .. q.Y!];
    }

    /// <summary>A receiver with given keys (the RFC's appendix).</summary>
    public static PushReceiver From(string privateKey, string authSecret)
    {
        var key = ECDiffieHellman.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = WebEncoders.Base64UrlDecode(privateKey) });
        return new PushReceiver(key, WebEncoders.Base64UrlDecode(authSecret));
    }

    public byte[] PublicKey { get; }
    public byte[] AuthSecret { get; }

    public string P256dh => WebEncoders.Base64UrlEncode(PublicKey);
    public string Auth => WebEncoders.Base64UrlEncode(AuthSecret);

    /// <summary>The plaintext of an aes128gcm body (one record, as Web Push sends); throws when it does not authenticate.</summary>
    public byte[] Decrypt(byte[] body)
    {
        // RFC 8188 §2.1: salt (16) | record size (4) | key id length (1) | key id (the sender's public key, RFC 8291 §4).
        var salt = body[..16];
        var recordSize = BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(16, 4));
        int idLength = body[20];
        var senderKey = body[21..(21 + idLength)];
        var record = body[(21 + idLength)..];
        if (idLength != 65 || record.Length > recordSize || record.Length < 17) throw new CryptographicException("Not a Web Push aes128gcm body.");

        // RFC 8291 §3.3–3.4: the input keying material from ECDH and the auth secret.
        using var sender = ECDiffieHellman.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = senderKey[1..33], Y = senderKey[33..] },
        });
        var shared = _key.DeriveRawSecretAgreement(sender.PublicKey);
        byte[] keyInfo = [.. "WebPush: info\0"u8, .. PublicKey, .. senderKey];
        var ikm = HKDF.DeriveKey(HashAlgorithmName.SHA256, shared, 32, AuthSecret, keyInfo);

        // RFC 8188 §2.2–2.3: the content encryption key and nonce from the salt.
        var prk = HKDF.Extract(HashAlgorithmName.SHA256, ikm, salt);
        var cek = HKDF.Expand(HashAlgorithmName.SHA256, prk, 16, "Content-Encoding: aes128gcm\0"u8.ToArray());
        var nonce = HKDF.Expand(HashAlgorithmName.SHA256, prk, 12, "Content-Encoding: nonce\0"u8.ToArray());

        var plain = new byte[record.Length - 16];
        using (var aes = new AesGcm(cek, 16)) aes.Decrypt(nonce, record[..^16], record[^16..], plain);
        // The last record's padding: a 2 delimiter, then zeros.
        var end = plain.AsSpan().TrimEnd((byte)0);
        if (end.IsEmpty || end[^1] != 2) throw new CryptographicException("The last record's padding delimiter is missing.");
        return end[..^1].ToArray();
    }

    public string DecryptText(byte[] body) => Encoding.UTF8.GetString(Decrypt(body));

    public void Dispose() => _key.Dispose();
}

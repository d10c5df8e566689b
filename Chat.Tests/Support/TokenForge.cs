using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Chat.Tests.Support;

/// <summary>
/// Makes session tokens by hand (no JWT library), so the hostile-token tests can vary exactly one
/// thing at a time against what the API accepts: issuer "chat", audience "chat", HS256.
/// </summary>
public static class TokenForge
{
    public static string Signed(string key, string subject, string stamp, DateTimeOffset? expires = null,
        string issuer = "chat", string audience = "chat", bool withSessionId = true)
    {
        var claims = Claims(subject, stamp, expires, issuer, audience);
        if (!withSessionId) claims.Remove("sid");
        var unsigned = $"{Encode(new { alg = "HS256", typ = "JWT" })}.{Encode(claims)}";
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.ASCII.GetBytes(unsigned));
        return $"{unsigned}.{Base64Url.EncodeToString(signature)}";
    }

    public static string Unsigned(string subject, string stamp) =>
        $"{Encode(new { alg = "none", typ = "JWT" })}.{Encode(Claims(subject, stamp, null, "chat", "chat"))}.";

    public static JsonObject Payload(string token) =>
        JsonNode.Parse(Base64Url.DecodeFromChars(token.Split('.')[1]))!.AsObject();

    /// <summary>The same token with another subject and the original signature.</summary>
    public static string TamperSubject(string token, string subject)
    {
        var parts = token.Split('.');
        var payload = Payload(token);
        payload["sub"] = subject;
        return $"{parts[0]}.{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload.ToJsonString()))}.{parts[2]}";
    }

    private static JsonObject Claims(string subject, string stamp, DateTimeOffset? expires, string issuer, string audience)
    {
        var exp = expires ?? DateTimeOffset.UtcNow.AddHours(1);
        return new JsonObject
        {
            ["sub"] = subject,
            ["sst"] = stamp,
            ["sid"] = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16)),
            ["iss"] = issuer,
            ["aud"] = audience,
            ["iat"] = exp.AddHours(-1).ToUnixTimeSeconds(),
            ["nbf"] = exp.AddHours(-1).ToUnixTimeSeconds(),
            ["exp"] = exp.ToUnixTimeSeconds(),
        };
    }

    private static string Encode(object value) => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(value));
}

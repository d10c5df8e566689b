using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using MongoDB.Bson;

namespace Chat.Api.Contacts;

/// <summary>The opaque "next" token of the directory: the last (name key, id) of a page.</summary>
public sealed record DirectoryCursor(string NameKey, string Id)
{
    public string Encode() => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new[] { NameKey, Id })));

    /// <summary>Null when the token was not made by <see cref="Encode"/> (a client's invention): a 400.</summary>
    public static DirectoryCursor? TryDecode(string token)
    {
        try
        {
            var parts = JsonSerializer.Deserialize<string[]>(Base64Url.DecodeFromChars(token));
            return parts is [var nameKey, var id] && ObjectId.TryParse(id, out _) ? new DirectoryCursor(nameKey, id) : null;
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return null;
        }
    }
}

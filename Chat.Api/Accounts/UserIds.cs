using MongoDB.Bson;

namespace Chat.Api.Accounts;

/// <summary>User ids are ObjectIds written as 24 lower-case hex digits; no other spelling names a user.</summary>
public static class UserIds
{
    public static bool IsCanonical(string? id) =>
        id is { Length: 24 } && ObjectId.TryParse(id, out var parsed) && parsed.ToString() == id;
}

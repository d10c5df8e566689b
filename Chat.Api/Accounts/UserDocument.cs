using Chat.Api.Contracts;
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace Chat.Api.Accounts;

/// <summary>A user as stored in the <c>users</c> collection.</summary>
public sealed record UserDocument
{
    [BsonId, BsonRepresentation(BsonType.ObjectId)]
    public required string Id { get; init; }

    /// <summary>Normalised (trimmed, lower-case); unique.</summary>
    public required string Email { get; init; }

    public required string FullName { get; init; }

    /// <summary>Lower-case copies for case-insensitive prefix search and ordering (indexed).</summary>
    public required string FullNameKey { get; init; }
    public required string[] NameWords { get; init; }

    public required string PasswordHash { get; init; }
    public string? AvatarUrl { get; init; }
    public required DateTime CreatedAt { get; init; }

    /// <summary>When the user last went offline (presence); null before the first time.</summary>
    public DateTime? LastSeenAt { get; init; }

    /// <summary>Changes on "log out everywhere": tokens carrying an older stamp are refused.</summary>
    public required string SessionStamp { get; init; }

    /// <summary>
    /// When the account was deleted: the document stays as "Deleted account" (no email, name key,
    /// avatar or password) so the people it talked with still see who wrote what.
    /// </summary>
    [BsonIgnoreIfNull]
    public DateTime? DeletedAt { get; init; }

    public const string DeletedName = "Deleted account";

    /// <summary>Who sees what of the user (<see cref="Privacy.PrivacyDocument"/>); null: the defaults.</summary>
    [BsonIgnoreIfNull]
    public Privacy.PrivacyDocument? Privacy { get; init; }

    public UserResponse ToResponse() => new(Id, Email, FullName, AvatarUrl, CreatedAt);

    /// <summary>As others see the user: lastSeenAt only while offline; with <paramref name="presenceHidden"/> (a block, their privacy) neither.</summary>
    public ContactResponse ToContact(bool online, bool blocked = false, bool presenceHidden = false) => presenceHidden || DeletedAt is not null
        ? new(Id, FullName, AvatarUrl, false, null, blocked)
        : new(Id, FullName, AvatarUrl, online, online ? null : LastSeenAt, blocked);

    public static string KeyOf(string fullName) => fullName.ToLowerInvariant();

    public static string[] WordsOf(string fullName) =>
        KeyOf(fullName).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToArray();
}

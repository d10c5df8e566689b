using Chat.Api.Contracts;

namespace Chat.Api.Privacy;

/// <summary>A user's privacy choices, stored in their <c>users</c> document (absent: the defaults, which are how Chat behaved before there were choices).</summary>
public sealed record PrivacyDocument
{
    public const string Everyone = "everyone";
    public const string Conversations = "conversations";
    public const string Nobody = "nobody";

    public static readonly PrivacyDocument Default = new();

    /// <summary>A deleted account's: it shares nothing (no presence, no read marks) and takes no first messages.</summary>
    public static readonly PrivacyDocument Withheld = new() { ReadReceipts = false, LastSeen = Nobody, MessagesFrom = Conversations };

    public static readonly string[] LastSeenChoices = [Everyone, Conversations, Nobody];
    public static readonly string[] MessagesFromChoices = [Everyone, Conversations];

    public bool ReadReceipts { get; init; } = true;
    public string LastSeen { get; init; } = Everyone;
    public string MessagesFrom { get; init; } = Everyone;

    public PrivacyResponse ToResponse() => new(ReadReceipts, LastSeen, MessagesFrom);
}

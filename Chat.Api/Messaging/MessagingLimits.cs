namespace Chat.Api.Messaging;

/// <summary>The sizes a message and a history page may have (the text limit reaches clients through GET /api/limits).</summary>
public static class MessagingLimits
{
    public const int MaxTextLength = 4000;
    public const int MaxClientMessageIdLength = 100;
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;
    /// <summary>How much of the original's text a reply quotes.</summary>
    public const int ReplyPreviewLength = 200;
    /// <summary>Distinct emoji one message may carry (API 409 beyond).</summary>
    public const int MaxDistinctReactions = 20;
}

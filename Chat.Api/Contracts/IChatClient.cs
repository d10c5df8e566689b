namespace Chat.Api.Contracts;

/// <summary>
/// Every event the hub sends to clients (docs/api.md, Live events): the strongly typed hub
/// (<c>Hub&lt;IChatClient&gt;</c>) names them from this interface, so a server push cannot
/// misspell an event or send the wrong payload.
/// </summary>
public interface IChatClient
{
    Task MessageReceived(MessageResponse message);

    Task MessageUpdated(MessageResponse message);

    Task ReadUpTo(ReadUpToEvent readUpTo);

    Task Typing(TypingEvent typing);

    Task PresenceChanged(IReadOnlyList<PresenceDelta> changes);

    Task GroupChanged(GroupChangedEvent changed);

    Task GroupReadProgress(GroupReadProgressEvent progress);

    Task MuteChanged(MuteChangedEvent changed);
}

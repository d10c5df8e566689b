namespace Chat.Api.Messaging;

public static class ConversationIds
{
    /// <summary>The same id for both participants: the two user ids in order.</summary>
    public static string For(string userA, string userB) =>
        string.CompareOrdinal(userA, userB) < 0 ? $"{userA}_{userB}" : $"{userB}_{userA}";
}

using System.Net;
using System.Net.Http.Json;

namespace Chat.Tests.Support;

// The group API (API 1.2) as a client reads it.

public sealed record GroupEventDto(string Type, string ActorId, List<string> UserIds, string? Name);

public sealed record GroupMessageDto(
    string Id, string ConversationId, long Seq, string ClientMessageId, string SenderId, string? RecipientId,
    string? Text, ImageDto? Image, DateTime CreatedAt, DateTime? EditedAt, bool Deleted,
    List<string> Mentions, GroupEventDto? Event);

public sealed record GroupMessagePageDto(List<GroupMessageDto> Items, bool HasMore);

public sealed record GroupInfoDto(string Id, string Name, string? AvatarUrl, int MemberCount, string? MyRole, DateTime CreatedAt, DateTime? LeftAt);

public sealed record MemberDto(ContactDto User, string Role, DateTime JoinedAt, long ReadSeq);

public sealed record GroupDto(GroupInfoDto Group, List<MemberDto> Members);

public sealed record GroupConversationDto(
    string Id, ContactDto? Peer, GroupMessageDto? LastMessage, long LastSeq, long UnreadCount, long MyReadSeq, long PeerReadSeq,
    string Kind, GroupInfoDto? Group, long MentionCount, bool Muted = false);

public sealed record GroupChangedDto(GroupInfoDto Group);

public sealed record GroupReaderDto(string UserId, long Seq);

public sealed record GroupReadProgressDto(string ConversationId, List<GroupReaderDto> Readers);

/// <summary>The group calls of the REST API, on one <see cref="ChatApiClient"/>.</summary>
public static class GroupCalls
{
    public static async Task<(HttpStatusCode Status, GroupConversationDto? Conversation)> CreateGroupAsync(
        this ChatApiClient client, string name, params string[] memberIds)
    {
        using var response = await client.Http.PostAsJsonAsync("/api/groups", new { name, memberIds });
        return (response.StatusCode, response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<GroupConversationDto>(ChatApiClient.Json) : null);
    }

    /// <summary>A new group, asserted created; its id.</summary>
    public static async Task<string> NewGroupAsync(this ChatApiClient client, string name, params string[] memberIds)
    {
        var (status, conversation) = await client.CreateGroupAsync(name, memberIds);
        Assert.Equal(HttpStatusCode.Created, status);
        return conversation!.Id;
    }

    public static async Task<(HttpStatusCode Status, GroupMessageDto? Message)> SendToGroupAsync(
        this ChatApiClient client, string groupId, string? text, string? replyToId = null, string[]? mentions = null, string? mediaId = null)
    {
        using var response = await client.Http.PostAsJsonAsync($"/api/groups/{groupId}/messages",
            new { clientMessageId = Guid.NewGuid().ToString(), text, replyToId, mentions, mediaId });
        return (response.StatusCode, response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<GroupMessageDto>(ChatApiClient.Json) : null);
    }

    public static async Task<GroupMessageDto> SentToGroupAsync(this ChatApiClient client, string groupId, string text, string[]? mentions = null)
    {
        var (status, message) = await client.SendToGroupAsync(groupId, text, mentions: mentions);
        Assert.Equal(HttpStatusCode.Created, status);
        return message!;
    }

    public static async Task<(HttpStatusCode Status, GroupMessagePageDto? Page)> GroupHistoryAsync(this ChatApiClient client, string groupId, string query = "")
    {
        using var response = await client.Http.GetAsync($"/api/groups/{groupId}/messages?{query}");
        return (response.StatusCode, response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<GroupMessagePageDto>(ChatApiClient.Json) : null);
    }

    public static async Task<(HttpStatusCode Status, GroupDto? Group)> GroupAsync(this ChatApiClient client, string groupId)
    {
        using var response = await client.Http.GetAsync($"/api/groups/{groupId}");
        return (response.StatusCode, response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<GroupDto>(ChatApiClient.Json) : null);
    }

    public static async Task<HttpStatusCode> AddMembersAsync(this ChatApiClient client, string groupId, params string[] userIds)
    {
        using var response = await client.Http.PostAsJsonAsync($"/api/groups/{groupId}/members", new { userIds });
        return response.StatusCode;
    }

    public static async Task<HttpStatusCode> RemoveMemberAsync(this ChatApiClient client, string groupId, string userId)
    {
        using var response = await client.Http.DeleteAsync($"/api/groups/{groupId}/members/{userId}");
        return response.StatusCode;
    }

    public static async Task<HttpStatusCode> SetRoleAsync(this ChatApiClient client, string groupId, string userId, string role)
    {
        using var response = await client.Http.PutAsJsonAsync($"/api/groups/{groupId}/members/{userId}/role", new { role });
        return response.StatusCode;
    }

    public static async Task<HttpStatusCode> RenameGroupAsync(this ChatApiClient client, string groupId, string name)
    {
        using var response = await client.Http.PatchAsJsonAsync($"/api/groups/{groupId}", new { name });
        return response.StatusCode;
    }

    public static async Task<HttpStatusCode> MarkGroupReadAsync(this ChatApiClient client, string groupId, long seq)
    {
        using var response = await client.Http.PostAsJsonAsync($"/api/groups/{groupId}/read", new { seq });
        return response.StatusCode;
    }

    public static async Task<List<GroupConversationDto>> AllConversationsAsync(this ChatApiClient client) =>
        (await client.Http.GetFromJsonAsync<List<GroupConversationDto>>("/api/conversations", ChatApiClient.Json))!;
}

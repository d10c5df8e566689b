using Chat.LoadTest.Push;
using System.Net;
using System.Net.Http.Json;

namespace Chat.Tests.Support;

// Push and mutes (API 1.3) as a client reads them.

public sealed record PushKeyDto(string PublicKey);

public sealed record PushDeviceDto(string Id, string Device, DateTime CreatedAt, bool Current);

public sealed record PushPayloadDto(string ConversationId, long Seq, string Kind);

public sealed record MuteChangedDto(string ConversationId, bool Muted);

/// <summary>The push calls of the REST API, on one <see cref="ChatApiClient"/>.</summary>
public static class PushCalls
{
    /// <summary>Subscribes this session as a browser would, with the receiver's keys; the status.</summary>
    public static async Task<HttpStatusCode> SubscribeAsync(this ChatApiClient client, string endpoint, PushReceiver receiver)
    {
        using var response = await client.Http.PutAsJsonAsync("/api/push/subscriptions",
            new { endpoint, expirationTime = (long?)null, keys = new { p256dh = receiver.P256dh, auth = receiver.Auth } });
        return response.StatusCode;
    }

    public static async Task<List<PushDeviceDto>> PushDevicesAsync(this ChatApiClient client) =>
        (await client.Http.GetFromJsonAsync<List<PushDeviceDto>>("/api/push/subscriptions", ChatApiClient.Json))!;

    /// <summary>Mutes (or unmutes) a pair by the peer's id or a group by its id; the status.</summary>
    public static async Task<HttpStatusCode> MuteAsync(this ChatApiClient client, string id, bool muted = true)
    {
        using var response = muted
            ? await client.Http.PutAsync($"/api/conversations/{id}/mute", null)
            : await client.Http.DeleteAsync($"/api/conversations/{id}/mute");
        return response.StatusCode;
    }
}

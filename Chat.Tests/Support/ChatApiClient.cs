using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Chat.Tests.Support;

/// <summary>
/// A client of the public API as a browser would be: one base address (the web front or one
/// replica), its own cookie jar, and optionally its own client address, so per-address limits do
/// not mix tests. The address is real, not a header: the client connects from another loopback
/// address (127.x.y.z), as the API trusts X-Forwarded-For only from the web front.
/// </summary>
public sealed class ChatApiClient : IDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private ChatApiClient(HttpClient http, CookieContainer cookies)
    {
        Http = http;
        Cookies = cookies;
    }

    public HttpClient Http { get; }
    public CookieContainer Cookies { get; }

    public static ChatApiClient For(Uri baseAddress, string? clientAddress = null)
    {
        var cookies = new CookieContainer();
        var handler = new SocketsHttpHandler { CookieContainer = cookies, UseCookies = true };
        if (clientAddress is not null)
        {
            var from = IPAddress.Parse(clientAddress);
            handler.ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(from, 0));
                    await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, context.DnsEndPoint.Port), cancellationToken);
                    return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }
        return new ChatApiClient(new HttpClient(handler) { BaseAddress = baseAddress }, cookies);
    }

    /// <summary>The session cookie's value, to carry a session to another client.</summary>
    public string? SessionToken => Cookies.GetCookies(Http.BaseAddress!)["chat_session"]?.Value;

    /// <summary>Uses a session token (this client's cookie jar is replaced by it).</summary>
    public ChatApiClient WithSession(string token)
    {
        Cookies.Add(Http.BaseAddress!, new Cookie("chat_session", token));
        return this;
    }

    public static string NewEmail(string tag = "user") => $"{tag}-{Guid.NewGuid():N}@example.test";

    /// <summary>A loopback address of its own (all of 127.0.0.0/8 reaches this machine), other than 127.0.0.1.</summary>
    public static string NewClientAddress() => $"127.{Random.Shared.Next(1, 255)}.{Random.Shared.Next(256)}.{Random.Shared.Next(1, 255)}";

    public Task<HttpResponseMessage> SignUpAsync(string email, string password = "correct horse", string fullName = "Test User") =>
        Http.PostAsJsonAsync("/api/auth/signup", new { email, password, fullName });

    public Task<HttpResponseMessage> LogInAsync(string email, string password) =>
        Http.PostAsJsonAsync("/api/auth/login", new { email, password });

    /// <summary>Signs up a fresh user and returns it (the client now holds its session).</summary>
    public async Task<UserDto> NewUserAsync(string fullName = "Test User", string password = "correct horse")
    {
        using var response = await SignUpAsync(NewEmail(), password, fullName);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<UserDto>(Json))!;
    }

    public async Task<(HttpResponseMessage Response, MessageDto? Message)> SendAsync(string peerId, string? text, string? clientMessageId = null)
    {
        var response = await Http.PostAsJsonAsync($"/api/conversations/{peerId}/messages",
            new { clientMessageId = clientMessageId ?? Guid.NewGuid().ToString(), text });
        var message = response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<MessageDto>(Json) : null;
        return (response, message);
    }

    public async Task<MessagePageDto> HistoryAsync(string peerId, string query = "")
    {
        var page = await Http.GetFromJsonAsync<MessagePageDto>($"/api/conversations/{peerId}/messages?{query}", Json);
        return page!;
    }

    public async Task<List<ConversationDto>> ConversationsAsync() =>
        (await Http.GetFromJsonAsync<List<ConversationDto>>("/api/conversations", Json))!;

    /// <summary>How this client sees the user in the directory (found by full name).</summary>
    public async Task<ContactDto> ContactAsync(UserDto user) =>
        (await Http.GetFromJsonAsync<ContactPageDto>($"/api/users?q={Uri.EscapeDataString(user.FullName)}", Json))!
            .Items.Single(c => c.Id == user.Id);

    public void Dispose() => Http.Dispose();
}

public sealed record UserDto(string Id, string Email, string FullName, string? AvatarUrl, DateTime CreatedAt);

public sealed record ContactDto(string Id, string FullName, string? AvatarUrl, bool Online, DateTime? LastSeenAt);

public sealed record ContactPageDto(List<ContactDto> Items, string? Next);

public sealed record ProblemDto(string? Title, int? Status, Dictionary<string, string[]>? Errors);

public sealed record ImageDto(string Url, string ThumbnailUrl, int Width, int Height);

public sealed record MessageDto(
    string Id, string ConversationId, long Seq, string ClientMessageId, string SenderId, string RecipientId,
    string? Text, ImageDto? Image, DateTime CreatedAt, DateTime? EditedAt, bool Deleted);

public sealed record MessagePageDto(List<MessageDto> Items, bool HasMore);

public sealed record ConversationDto(
    string Id, ContactDto Peer, MessageDto? LastMessage, long LastSeq, long UnreadCount, long MyReadSeq, long PeerReadSeq);

public sealed record ReadUpToDto(string ConversationId, string ReaderId, long Seq);

public sealed record TypingDto(string ConversationId, string UserId);

public sealed record PresenceDto(string UserId, bool Online, DateTime? LastSeenAt);

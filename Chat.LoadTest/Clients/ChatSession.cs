using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.LoadTest.Clients;

/// <summary>A signed-up user of the public API: its id, its session cookie and the replica that served the sign-up.</summary>
public sealed record ChatSession(string UserId, string Cookie, string Replica)
{
    public static async Task<ChatSession> SignUpAsync(Uri url, string name)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = url };
        using var response = await http.PostAsJsonAsync("/api/auth/signup",
            new { email = $"{name}@example.test", password = "load-test password", fullName = name });
        response.EnsureSuccessStatusCode();
        var user = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new ChatSession(
            user.GetProperty("id").GetString()!,
            response.Headers.GetValues("Set-Cookie").Single().Split(';')[0],
            response.Headers.GetValues("X-Chat-Instance").Single());
    }

    /// <summary>An HttpClient that carries this session.</summary>
    public HttpClient Http(Uri url)
    {
        var client = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = url };
        client.DefaultRequestHeaders.Add("Cookie", Cookie);
        return client;
    }

    /// <summary>A hub connection as the SPA opens it: WebSockets, no negotiation, the session cookie. Not started.</summary>
    public HubConnection Hub(Uri url) => new HubConnectionBuilder()
        .WithUrl(new Uri(url, "/hubs/chat"), o =>
        {
            o.Transports = HttpTransportType.WebSockets;
            o.SkipNegotiation = true;
            o.Headers["Cookie"] = Cookie;
        }).Build();
}

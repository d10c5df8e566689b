using System.Net;
using System.Net.Http.Json;
using System.Text;
using Chat.Tests.Support;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Xunit.Abstractions;

namespace Chat.Tests.Cluster;

/// <summary>
/// Every endpoint and hub method, fed what an attacker would send: malformed and wrong-type
/// bodies, oversize values, control characters, foreign origins, forged tokens, other users'
/// and non-canonical ids. Every answer is a 4xx (never a 5xx) and nothing changes.
/// </summary>
[Collection(ClusterCollection.Name)]
public class HostileInputTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private static readonly string Long = new('x', 70_000);
    private const string Nul = "a\u0000b";

    private static readonly string[] HostileBodies =
    [
        "{", "[]", "null", "\"text\"", "12", "{\"text\":", "\u0000",
        """{"clientMessageId":[1],"text":{"a":1},"mediaId":true}""",
        """{"email":1,"password":[],"fullName":{}}""",
        """{"seq":"seven"}""", """{"seq":-5}""", """{"seq":99999999999999999999}""",
        $$"""{"text":"{{Nul}}","clientMessageId":"{{Nul}}","fullName":"{{Nul}}","email":"{{Nul}}@x.y","password":"{{Nul}}"}""",
        $$"""{"text":"{{Long}}","clientMessageId":"{{Long}}"}""",
    ];

    [Fact]
    public async Task Every_endpoint_answers_hostile_input_with_a_4xx_and_changes_nothing()
    {
        using var scene = await Scene.SetUpAsync(cluster.WebEndpoint);
        var (attacker, me, victim, target, other, theirs, before) = scene;
        var group = scene.GroupId;

        var peers = new[] { target.Id.ToUpperInvariant(), "not-an-id", Nul, new string('a', 5000), "..%2f..%2fetc", me.Id };
        var messages = new[] { theirs.Id, theirs.Id.ToUpperInvariant(), "not-an-id", Nul };
        var directoryQueries = new[] { "limit=-1", "limit=99999999999", "limit=abc", "cursor=%00", "cursor=eyJ4IjoxfQ", $"q={Long[..500]}", "q=%00", "limit=0" };
        var historyQueries = new[] { "limit=-1", "limit=99999999999", "before=abc", "after=1e9", "before=1&after=1", "before=0", "after=-1", "limit=0" };
        var cases = new List<(HttpMethod Method, string Path, string? Body)>();
        foreach (var body in HostileBodies)
        {
            cases.Add((HttpMethod.Post, "/api/auth/signup", body));
            cases.Add((HttpMethod.Post, "/api/auth/login", body));
            cases.Add((HttpMethod.Put, "/api/users/me", body));
            cases.Add((HttpMethod.Post, $"/api/conversations/{target.Id}/messages", body));
            cases.Add((HttpMethod.Post, $"/api/conversations/{target.Id}/read", body));
            cases.Add((HttpMethod.Patch, $"/api/messages/{theirs.Id}", body));
            cases.Add((HttpMethod.Post, "/api/media", body));
            cases.Add((HttpMethod.Put, "/api/users/me/avatar", body));
        }
        foreach (var peer in peers)
        {
            cases.Add((HttpMethod.Get, $"/api/conversations/{Uri.EscapeDataString(peer)}/messages", null));
            cases.Add((HttpMethod.Post, $"/api/conversations/{Uri.EscapeDataString(peer)}/messages", """{"clientMessageId":"c","text":"hi"}"""));
            cases.Add((HttpMethod.Post, $"/api/conversations/{Uri.EscapeDataString(peer)}/read", """{"seq":1}"""));
        }
        var groups = new[] { group, group.ToUpperInvariant(), "not-an-id", Nul, new string('a', 5000), me.Id };
        foreach (var body in HostileBodies)
        {
            cases.Add((HttpMethod.Post, "/api/groups", body));
            cases.Add((HttpMethod.Patch, $"/api/groups/{group}", body));
            cases.Add((HttpMethod.Post, $"/api/groups/{group}/members", body));
            cases.Add((HttpMethod.Put, $"/api/groups/{group}/members/{target.Id}/role", body));
            cases.Add((HttpMethod.Post, $"/api/groups/{group}/messages", body));
            cases.Add((HttpMethod.Post, $"/api/groups/{group}/read", body));
            cases.Add((HttpMethod.Put, $"/api/groups/{group}/avatar", body));
        }
        foreach (var id in groups.Select(Uri.EscapeDataString))
        {
            cases.Add((HttpMethod.Get, $"/api/groups/{id}", null));
            cases.Add((HttpMethod.Get, $"/api/groups/{id}/messages?after=0", null));
            cases.Add((HttpMethod.Get, $"/api/groups/{id}/messages/1/readers", null));
            cases.Add((HttpMethod.Post, $"/api/groups/{id}/messages", """{"clientMessageId":"c","text":"hi"}"""));
            cases.Add((HttpMethod.Post, $"/api/groups/{id}/read", """{"seq":1}"""));
            cases.Add((HttpMethod.Post, $"/api/groups/{id}/members", $$"""{"userIds":["{{me.Id}}"]}"""));
            cases.Add((HttpMethod.Delete, $"/api/groups/{id}/members/{other.Id}", null));
            cases.Add((HttpMethod.Delete, $"/api/groups/{id}/members/{me.Id}", null));
            cases.Add((HttpMethod.Put, $"/api/groups/{id}/members/{other.Id}/role", """{"role":"admin"}"""));
            cases.Add((HttpMethod.Patch, $"/api/groups/{id}", """{"name":"pwned"}"""));
            cases.Add((HttpMethod.Delete, $"/api/groups/{id}/conversation", null));
            cases.Add((HttpMethod.Get, $"/api/search/messages?q=between&conversationId={id}", null));
        }
        cases.AddRange(historyQueries.Select(query => (HttpMethod.Get, $"/api/groups/{group}/messages?{query}", (string?)null)));
        foreach (var seq in new[] { "abc", "-1", "0", "99999999999999999999" })
        {
            cases.Add((HttpMethod.Get, $"/api/groups/{group}/messages/{seq}/readers", null));
        }
        var tooMany = string.Join(",", Enumerable.Range(0, 300).Select(_ => '"' + target.Id + '"'));
        foreach (var bad in new[] { """{"name":"x","memberIds":"one"}""", """{"name":"x","memberIds":[1,2]}""", $$"""{"name":"x","memberIds":["{{me.Id}}"]}""",
            $$"""{"name":"{{Long[..200]}}","memberIds":[]}""", $$"""{"name":"x","memberIds":[{{tooMany}}]}""" })
        {
            cases.Add((HttpMethod.Post, "/api/groups", bad));
        }
        // Push: subscriptions that would make the server request an address of the attacker's
        // choosing, or encrypt for keys that are no keys; mutes of conversations that are not theirs.
        foreach (var body in HostileBodies)
        {
            cases.Add((HttpMethod.Put, "/api/push/subscriptions", body));
            cases.Add((HttpMethod.Delete, "/api/push/subscriptions", body));
        }
        const string keys = """{"p256dh":"BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4","auth":"BTBZMqHH6r4Tts7J_aSIgg"}""";
        foreach (var endpoint in new[] { "http://169.254.169.254/latest/meta-data/", "https://evil.example/push", "http://127.0.0.1:6379/", "file:///etc/passwd",
            "https://fcm.googleapis.com.evil.example/x", "https://user:pw@fcm.googleapis.com/x", $"https://fcm.googleapis.com/{Long[..3000]}", Nul })
        {
            cases.Add((HttpMethod.Put, "/api/push/subscriptions", $$"""{"endpoint":"{{endpoint}}","keys":{{keys}}}"""));
        }
        foreach (var badKeys in new[] { """{"p256dh":"AAAA","auth":"BTBZMqHH6r4Tts7J_aSIgg"}""", """{"p256dh":"BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw5","auth":"BTBZMqHH6r4Tts7J_aSIgg"}""",
            """{"p256dh":"BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4","auth":"!!"}""", "null", "[]" })
        {
            cases.Add((HttpMethod.Put, "/api/push/subscriptions", $$"""{"endpoint":"https://fcm.googleapis.com/fcm/send/x","keys":{{badKeys}}}"""));
        }
        foreach (var id in peers.Concat(groups).Select(Uri.EscapeDataString))
        {
            cases.Add((HttpMethod.Put, $"/api/conversations/{id}/mute", null));
            cases.Add((HttpMethod.Delete, $"/api/conversations/{id}/mute", null));
            cases.Add((HttpMethod.Delete, $"/api/push/subscriptions/{id}", null));
        }

        cases.Add((HttpMethod.Post, $"/api/conversations/{target.Id}/messages", $$"""{"clientMessageId":"m","text":"hi","mentions":["{{target.Id}}"]}"""));
        cases.Add((HttpMethod.Post, $"/api/conversations/{target.Id}/messages", """{"clientMessageId":"m","text":"hi","mentions":"x"}"""));

        foreach (var message in messages.Append(scene.TheirGroupMessage.Id))
        {
            cases.Add((HttpMethod.Patch, $"/api/messages/{Uri.EscapeDataString(message)}", """{"text":"hijacked"}"""));
            cases.Add((HttpMethod.Delete, $"/api/messages/{Uri.EscapeDataString(message)}", null));
        }
        cases.AddRange(directoryQueries.Select(query => (HttpMethod.Get, $"/api/users?{query}", (string?)null)));
        cases.AddRange(historyQueries.Select(query => (HttpMethod.Get, $"/api/conversations/{target.Id}/messages?{query}", (string?)null)));
        foreach (var file in new[] { "x", "..%2fappsettings.json", $"{Long[..300]}.jpg", "%00.jpg", "AAAAAAAAAAAAAAAAAAAAAA_t.gif" })
        {
            cases.Add((HttpMethod.Get, $"/media/{file}", null));
        }

        var outcomes = new Dictionary<int, int>();
        foreach (var (method, path, body) in cases)
        {
            using var request = new HttpRequestMessage(method, path)
            {
                Content = body is null ? null : new StringContent(body, Encoding.UTF8, "application/json"),
            };
            using var response = await attacker.Http.SendAsync(request);
            var status = (int)response.StatusCode;
            outcomes[status] = outcomes.GetValueOrDefault(status) + 1;
            Assert.True(status is >= 400 and < 500, $"{method} {path} {body?[..Math.Min(body.Length, 60)]}: {status}");
        }

        // The same writes from a foreign origin, and with forged tokens, as the victim.
        var writes = new (HttpMethod Method, string Path, string? Body)[]
        {
            (HttpMethod.Post, "/api/auth/logout-all", null),
            (HttpMethod.Put, "/api/users/me", """{"fullName":"Pwned"}"""),
            (HttpMethod.Post, $"/api/conversations/{other.Id}/messages", """{"clientMessageId":"forged","text":"pwned"}"""),
            (HttpMethod.Delete, $"/api/messages/{theirs.Id}", null),
        };
        var forged = new[] { TokenForge.Unsigned(target.Id, "x"), TokenForge.Signed(new string('k', 64), target.Id, "x"), "garbage" };
        foreach (var (method, path, body) in writes)
        {
            using var foreign = new HttpRequestMessage(method, path) { Content = body is null ? null : new StringContent(body, Encoding.UTF8, "application/json") };
            foreign.Headers.Add("Origin", "https://evil.example");
            using var fromElsewhere = await victim.Http.SendAsync(foreign);
            Assert.Equal(HttpStatusCode.Forbidden, fromElsewhere.StatusCode);
            outcomes[403] = outcomes.GetValueOrDefault(403) + 1;
            foreach (var token in forged)
            {
                using var anonymous = ChatApiClient.For(cluster.WebEndpoint);
                using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : new StringContent(body, Encoding.UTF8, "application/json") };
                request.Headers.Add("Cookie", $"chat_session={token}");
                using var response = await anonymous.Http.SendAsync(request);
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
                outcomes[401] = outcomes.GetValueOrDefault(401) + 1;
            }
        }

        Assert.Equal(before, await SnapshotAsync(victim, target, other.Id));
        Assert.Empty(await attacker.AllConversationsAsync());
        Assert.Empty(await attacker.PushDevicesAsync());
        output.WriteLine($"{outcomes.Values.Sum()} hostile requests: " + string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Value}× {o.Key}")));
    }

    [Fact]
    public async Task Every_hub_method_answers_hostile_arguments_with_a_clear_error_and_the_connection_stays()
    {
        using var scene = await Scene.SetUpAsync(cluster.WebEndpoint);
        var (attacker, _, victim, target, other, theirs, before) = scene;
        await using var live = await LiveClient.ConnectAsync(cluster.WebEndpoint, attacker.SessionToken!);

        // Under SignalR's 32 KB frame limit (a bigger frame closes the connection: SignalR's own guard).
        var longArg = Long[..20_000];
        var calls = new (string Method, object?[] Args)[]
        {
            ("SendMessage", [target.Id]),
            ("SendMessage", [target.Id, null]),
            ("SendMessage", [null, new { clientMessageId = "c", text = "hi" }]),
            ("SendMessage", [target.Id.ToUpperInvariant(), new { clientMessageId = "c", text = "hi" }]),
            ("SendMessage", [longArg, new { clientMessageId = "c", text = "hi" }]),
            ("SendMessage", [target.Id, new { clientMessageId = longArg[..1000], text = longArg }]),
            ("SendMessage", [target.Id, new { clientMessageId = 5, text = new[] { 1 } }]),
            ("SendMessage", [target.Id, "not an object"]),
            ("SendMessage", [target.Id, new { clientMessageId = Nul, text = (string?)null, mediaId = Nul }]),
            ("MarkRead", [target.Id, "seven"]),
            ("MarkRead", [other.Id, 1L]),
            ("MarkRead", [target.Id, long.MaxValue]),
            ("MarkRead", [Nul, 1L]),
            ("Typing", [null]),
            ("Typing", [longArg]),
            ("Typing", [Nul]),
            ("Typing", [new { a = 1 }]),
            ("ConfirmDelivery", ["x"]),
            ("ConfirmDelivery", [Nul, "not a date"]),
            ("SendGroupMessage", [scene.GroupId, new { clientMessageId = "c", text = "hi" }]),
            ("SendGroupMessage", [scene.GroupId.ToUpperInvariant(), new { clientMessageId = "c", text = "hi" }]),
            ("SendGroupMessage", [null, new { clientMessageId = "c", text = "hi" }]),
            ("SendGroupMessage", [longArg, null]),
            ("SendGroupMessage", [scene.GroupId, new { clientMessageId = "c", text = "hi", mentions = new[] { Nul } }]),
            ("MarkGroupRead", [scene.GroupId, 1L]),
            ("MarkGroupRead", [Nul, "seven"]),
            ("GroupTyping", [scene.GroupId]),
            ("GroupTyping", [null]),
            ("GroupTyping", [longArg]),
            ("React", [scene.TheirGroupMessage.Id, "👍", true]),
            ("Ping", ["unexpected"]),
            ("NoSuchMethod", []),
            ("OnConnectedAsync", []),
        };
        foreach (var (method, args) in calls)
        {
            var error = await Assert.ThrowsAsync<HubException>(() => live.Connection.InvokeCoreAsync(method, typeof(object), args));
            // Our refusals arrive as "... HubException: <reason>"; arguments SignalR cannot bind,
            // or an unknown method, as its own "Failed to invoke ..."; anything else (another
            // exception type) would be a bug on our side.
            Assert.True(error.Message.Contains("HubException: ", StringComparison.Ordinal) || error.Message.StartsWith("Failed to invoke", StringComparison.Ordinal)
                || error.Message.Contains("Method does not exist", StringComparison.Ordinal),
                $"{method}({string.Join(", ", args.Select(a => a?.ToString()?[..Math.Min(a.ToString()!.Length, 40)] ?? "null"))}): {error.Message}");
            Assert.Equal(HubConnectionState.Connected, live.Connection.State);
        }

        Assert.Equal(before, await SnapshotAsync(victim, target, other.Id));
        output.WriteLine($"{calls.Length} hostile hub calls, each a HubException with the connection kept.");
    }

    /// <summary>An attacker, a victim, and a conversation of the victim's with someone else.</summary>
    private sealed record Scene(ChatApiClient Attacker, UserDto Me, ChatApiClient Victim, UserDto Target, UserDto Other, MessageDto Theirs, string Before)
        : IDisposable
    {
        private ChatApiClient? _third;

        /// <summary>The victim's group with the other person, and a message of it.</summary>
        public string GroupId { get; private init; } = "";
        public GroupMessageDto TheirGroupMessage { get; private init; } = null!;

        public static async Task<Scene> SetUpAsync(Uri web)
        {
            var attacker = ChatApiClient.For(web);
            var me = await attacker.NewUserAsync("Mallory");
            var victim = ChatApiClient.For(web);
            var target = await victim.NewUserAsync("Victim");
            var third = ChatApiClient.For(web);
            var other = await third.NewUserAsync("Other");
            var (sent, theirs) = await third.SendAsync(target.Id, "between them");
            sent.Dispose();
            var groupId = await victim.NewGroupAsync("Between them", other.Id);
            var groupMessage = await third.SentToGroupAsync(groupId, "between them in a group");
            return new Scene(attacker, me, victim, target, other, theirs!, await SnapshotAsync(victim, target, other.Id))
            {
                _third = third, GroupId = groupId, TheirGroupMessage = groupMessage,
            };
        }

        public void Dispose()
        {
            Attacker.Dispose();
            Victim.Dispose();
            _third?.Dispose();
        }
    }

    // What the victim can see of their account and conversations.
    private static async Task<string> SnapshotAsync(ChatApiClient victim, UserDto target, string otherId)
    {
        var me = await victim.Http.GetFromJsonAsync<UserDto>("/api/auth/me", ChatApiClient.Json);
        var history = await victim.HistoryAsync(otherId);
        var conversations = await victim.AllConversationsAsync();
        var groups = new List<string>();
        foreach (var group in conversations.Where(c => c.Kind == "group"))
        {
            var (_, seen) = await victim.GroupAsync(group.Id);
            var (_, page) = await victim.GroupHistoryAsync(group.Id);
            groups.Add($"{seen!.Group} {string.Join(",", seen.Members.Select(m => $"{m.User.Id}:{m.Role}:{m.ReadSeq}"))} {string.Join(",", page!.Items.Select(m => $"{m.Seq}:{m.Text}:{m.Deleted}"))}");
        }
        return $"{me} | {string.Join(",", history.Items.Select(m => $"{m.Seq}:{m.Text}:{m.Deleted}"))} | {string.Join(",", conversations.Select(c => $"{c.Id}:{c.LastSeq}:{c.MyReadSeq}:{c.PeerReadSeq}"))} | {string.Join(";", groups)}";
    }
}

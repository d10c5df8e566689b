using System.Net;
using System.Net.Http.Json;
using Chat.Tests.Support;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Tests.Cluster;

/// <summary>API v1.1 through the cluster: replies, reactions, blocking and message search, over REST and the hub, on both replicas.</summary>
[Collection(ClusterCollection.Name)]
public class MessengerFeaturesTests(ClusterFixture cluster)
{
    private Uri ReplicaA => cluster.ApiReplicas[0];
    private Uri ReplicaB => cluster.ApiReplicas[1];

    private Task<ReplicaPerson> NewPersonAsync(string name) => ReplicaPerson.SignUpAsync(cluster, name);

    private static async Task<(HttpStatusCode Status, FullMessageDto? Message)> SendAsync(
        ChatApiClient client, string peerId, string text, string? replyToId = null)
    {
        using var response = await client.Http.PostAsJsonAsync($"/api/conversations/{peerId}/messages",
            new { clientMessageId = Guid.NewGuid().ToString(), text, replyToId });
        return (response.StatusCode, response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<FullMessageDto>(ChatApiClient.Json) : null);
    }

    private static async Task<(HttpStatusCode Status, FullMessageDto? Message)> ReactAsync(ChatApiClient client, string messageId, string emoji, bool on = true)
    {
        var path = $"/api/messages/{messageId}/reactions/{Uri.EscapeDataString(emoji)}";
        using var response = on ? await client.Http.PutAsync(path, null) : await client.Http.DeleteAsync(path);
        return (response.StatusCode, response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<FullMessageDto>(ChatApiClient.Json) : null);
    }

    private static async Task<List<FullMessageDto>> HistoryAsync(ChatApiClient client, string peerId) =>
        (await client.Http.GetFromJsonAsync<FullPageDto>($"/api/conversations/{peerId}/messages", ChatApiClient.Json))!.Items;

    // ---------------------------------------------------------------- replies

    [Fact]
    public async Task A_reply_quotes_its_original_as_it_is_now_and_only_a_message_of_the_same_conversation()
    {
        using var a = await NewPersonAsync("Ann Reply");
        using var b = await NewPersonAsync("Ben Reply");
        using var c = await NewPersonAsync("Cat Reply");
        var (_, original) = await SendAsync(a.OnA, b.Id, "Lunch at noon?");
        var (_, elsewhere) = await SendAsync(c.OnA, a.Id, "a message of another pair");

        var (status, reply) = await SendAsync(b.OnB, a.Id, "Yes!", replyToId: original!.Id);
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(new ReplyDto(original.Id, original.Seq, a.Id, "Lunch at noon?", false, false), reply!.ReplyTo);

        // Another pair's message, an id of nothing, and something that is no id at all.
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(b.OnA, a.Id, "x", replyToId: elsewhere!.Id)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(b.OnA, a.Id, "x", replyToId: "0123456789abcdef01234567")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(b.OnA, a.Id, "x", replyToId: "not-an-id")).Status);

        // The original deleted: the quote says so, in history, and a new reply to it is allowed.
        Assert.Equal(HttpStatusCode.NoContent, (await a.OnA.Http.DeleteAsync($"/api/messages/{original.Id}")).StatusCode);
        var quoted = (await HistoryAsync(b.OnB, a.Id)).Single(m => m.Id == reply.Id).ReplyTo!;
        Assert.Equal((true, null, false), (quoted.Deleted, quoted.Text, quoted.HasImage));
        var (lateStatus, late) = await SendAsync(b.OnB, a.Id, "too late", replyToId: original.Id);
        Assert.Equal(HttpStatusCode.Created, lateStatus);
        Assert.True(late!.ReplyTo!.Deleted);
    }

    // ---------------------------------------------------------------- reactions

    [Fact]
    public async Task Reactions_toggle_idempotently_with_counts_and_mine_live_on_both_sides()
    {
        using var a = await NewPersonAsync("Ann React");
        using var b = await NewPersonAsync("Ben React");
        await using var annLive = await LiveClient.ConnectAsync(ReplicaB, a.Token);
        await using var benLive = await LiveClient.ConnectAsync(ReplicaA, b.Token);
        var (_, message) = await SendAsync(a.OnA, b.Id, "Got the job!");

        var (status, afterBen) = await ReactAsync(b.OnA, message!.Id, "🎉");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal([new ReactionDto("🎉", 1, true)], afterBen!.Reactions);
        Assert.Equal([new ReactionDto("🎉", 1, true)], (await ReactAsync(b.OnB, message.Id, "🎉")).Message!.Reactions); // again: no change

        // Over the hub, from Ann: her copy says mine, Ben's copy says his own.
        var viaHub = await annLive.Connection.InvokeAsync<FullMessageDto>("React", message.Id, "🎉", true);
        Assert.Equal([new ReactionDto("🎉", 2, true)], viaHub.Reactions);
        await annLive.WaitForAsync<FullMessageDto>("MessageUpdated", m => m.Id == message.Id && m.Reactions.SequenceEqual([new ReactionDto("🎉", 2, true)]));
        await benLive.WaitForAsync<FullMessageDto>("MessageUpdated", m => m.Id == message.Id && m.Reactions.SequenceEqual([new ReactionDto("🎉", 2, true)]));

        var (_, removed) = await ReactAsync(b.OnA, message.Id, "🎉", on: false);
        Assert.Equal([new ReactionDto("🎉", 1, false)], removed!.Reactions);
        await benLive.WaitForAsync<FullMessageDto>("MessageUpdated", m => m.Id == message.Id && m.Reactions.SequenceEqual([new ReactionDto("🎉", 1, false)]));
        Assert.Equal(HttpStatusCode.OK, (await ReactAsync(b.OnA, message.Id, "🎉", on: false)).Status); // idempotent
        Assert.Equal([new ReactionDto("🎉", 1, true)], (await HistoryAsync(a.OnB, b.Id)).Single().Reactions);
    }

    [Fact]
    public async Task Reactions_from_two_devices_and_two_people_at_once_all_count()
    {
        using var a = await NewPersonAsync("Ann Race");
        using var b = await NewPersonAsync("Ben Race");
        var (_, message) = await SendAsync(a.OnA, b.Id, "react to me");
        string[] emoji = ["👍", "❤️", "😂", "😮", "😢", "🙏"];

        // Each of the four clients (two devices each, on both replicas) adds three emoji at once.
        await Task.WhenAll(new[] { a.OnA, a.OnB, b.OnA, b.OnB }.SelectMany((client, i) =>
            emoji.Skip(i % 2 * 3).Take(3).Select(e => ReactAsync(client, message!.Id, e))));

        var reactions = (await HistoryAsync(a.OnA, b.Id)).Single().Reactions;
        Assert.Equal(emoji.Order(), reactions.Select(r => r.Emoji).Order());
        Assert.All(reactions, r => Assert.Equal((2, true), (r.Count, r.Mine)));
    }

    [Fact]
    public async Task A_reaction_is_one_emoji_on_a_message_of_mine_to_see_and_at_most_twenty_different()
    {
        using var a = await NewPersonAsync("Ann Limits");
        using var b = await NewPersonAsync("Ben Limits");
        using var stranger = await NewPersonAsync("Stranger");
        var (_, message) = await SendAsync(a.OnA, b.Id, "hi");

        foreach (var notOne in new[] { "ab", "👍👍", "👍 ", "x", "1" })
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await ReactAsync(b.OnA, message!.Id, notOne)).Status);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await ReactAsync(stranger.OnA, message!.Id, "👍")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await ReactAsync(b.OnA, "0123456789abcdef01234567", "👍")).Status);
        var stranger403 = await Assert.ThrowsAsync<HubException>(async () =>
        {
            await using var live = await LiveClient.ConnectAsync(ReplicaA, stranger.Token);
            await live.Connection.InvokeAsync<FullMessageDto>("React", message.Id, "👍", true);
        });
        Assert.Contains("not found", stranger403.Message, StringComparison.OrdinalIgnoreCase);

        // Flags, keycaps and ZWJ families are single emoji too.
        string[] twenty = ["👍", "❤️", "😂", "😮", "😢", "🙏", "🎉", "🔥", "👀", "✅", "🇫🇷", "1️⃣", "👨‍👩‍👧", "👍🏽", "⭐", "☕", "🍕", "🚀", "💯", "🤔"];
        foreach (var e in twenty) Assert.Equal(HttpStatusCode.OK, (await ReactAsync(e.Length % 2 == 0 ? a.OnA : b.OnB, message.Id, e)).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await ReactAsync(a.OnA, message.Id, "🤯")).Status);
        Assert.Equal(twenty, (await HistoryAsync(a.OnA, b.Id)).Single().Reactions.Select(r => r.Emoji)); // in order of first use
    }

    // ---------------------------------------------------------------- blocking

    [Fact]
    public async Task A_blocked_person_cannot_message_react_or_type_over_REST_or_hub_until_unblocked()
    {
        using var a = await NewPersonAsync("Ann Blocker");
        using var b = await NewPersonAsync("Ben Blocked");
        var (_, before) = await SendAsync(b.OnA, a.Id, "before the block");
        await using var benLive = await LiveClient.ConnectAsync(ReplicaB, b.Token);

        Assert.Equal(HttpStatusCode.NoContent, (await a.OnA.Http.PutAsync($"/api/users/{b.Id}/block", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await a.OnB.Http.PutAsync($"/api/users/{b.Id}/block", null)).StatusCode); // idempotent

        // Ben, on the other replica, right away: REST, hub send, hub typing, reactions.
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(b.OnB, a.Id, "let me talk")).Status);
        var hubSend = await Assert.ThrowsAsync<HubException>(() =>
            benLive.Connection.InvokeAsync<FullMessageDto>("SendMessage", a.Id, new { clientMessageId = Guid.NewGuid().ToString(), text = "hub" }));
        Assert.Contains("can't message", hubSend.Message);
        await Assert.ThrowsAsync<HubException>(() => benLive.Connection.InvokeAsync("Typing", a.Id));
        Assert.Equal(HttpStatusCode.Forbidden, (await ReactAsync(b.OnA, before!.Id, "👍")).Status);
        // Ann cannot message him either while he is blocked; history stays for both.
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(a.OnA, b.Id, "hm")).Status);
        Assert.Single(await HistoryAsync(b.OnA, a.Id));
        Assert.Single(await HistoryAsync(a.OnA, b.Id));

        var blocked = await a.OnA.Http.GetFromJsonAsync<List<BlockContactDto>>("/api/users/blocked", ChatApiClient.Json);
        Assert.Equal([b.Id], blocked!.Select(c => c.Id));
        Assert.True(blocked![0].Blocked);

        Assert.Equal(HttpStatusCode.NoContent, (await a.OnB.Http.DeleteAsync($"/api/users/{b.Id}/block")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(b.OnA, a.Id, "thanks")).Status);
        Assert.Empty((await a.OnA.Http.GetFromJsonAsync<List<BlockContactDto>>("/api/users/blocked", ChatApiClient.Json))!);
    }

    [Fact]
    public async Task Across_a_block_neither_sees_the_others_presence_or_read_marks_while_others_still_do()
    {
        using var a = await NewPersonAsync("Ann Hidden");
        using var b = await NewPersonAsync("Ben Hidden");
        using var c = await NewPersonAsync("Cat Watcher");
        var (_, message) = await SendAsync(b.OnA, a.Id, "read me");
        Assert.Equal(HttpStatusCode.NoContent, (await a.OnA.Http.PutAsync($"/api/users/{b.Id}/block", null)).StatusCode);

        await using var benLive = await LiveClient.ConnectAsync(ReplicaA, b.Token);
        await using var catLive = await LiveClient.ConnectAsync(ReplicaB, c.Token);
        await using (var annLive = await LiveClient.ConnectAsync(ReplicaB, a.Token))
        {
            // Cat sees Ann come online; Ben does not, and the directory hides it from him too.
            await catLive.WaitForAsync<List<PresenceDto>>("PresenceChanged", d => d.Any(p => p.UserId == a.Id && p.Online));
            var annSeenByBen = await b.OnA.Http.GetFromJsonAsync<ContactPageDto>($"/api/users?q={Uri.EscapeDataString(a.User.FullName)}", ChatApiClient.Json);
            Assert.False(annSeenByBen!.Items.Single(x => x.Id == a.Id).Online);
            var benSeenByAnn = (await a.OnA.Http.GetFromJsonAsync<BlockContactPageDto>($"/api/users?q={Uri.EscapeDataString(b.User.FullName)}", ChatApiClient.Json))!
                .Items.Single(x => x.Id == b.Id);
            Assert.Equal((false, null, true), (benSeenByAnn.Online, benSeenByAnn.LastSeenAt, benSeenByAnn.Blocked));
            Assert.True((await c.OnA.ContactAsync(a.User)).Online);

            // Ann reads Ben's message: her mark moves (her devices hear it), Ben is not told.
            await annLive.Connection.InvokeAsync("MarkRead", b.Id, message!.Seq);
            await annLive.WaitForAsync<ReadUpToDto>("ReadUpTo", r => r.ReaderId == a.Id);
        }
        await catLive.WaitForAsync<List<PresenceDto>>("PresenceChanged", d => d.Any(p => p.UserId == a.Id && !p.Online), TimeSpan.FromSeconds(20));

        Assert.DoesNotContain(benLive.All<List<PresenceDto>>("PresenceChanged").SelectMany(d => d), p => p.UserId == a.Id);
        Assert.Empty(benLive.All<ReadUpToDto>("ReadUpTo"));
        Assert.Equal(0, (await b.OnB.ConversationsAsync()).Single(x => x.Peer.Id == a.Id).PeerReadSeq);
        Assert.Equal(message.Seq, (await a.OnB.ConversationsAsync()).Single(x => x.Peer.Id == b.Id).MyReadSeq);
    }

    [Fact]
    public async Task Blocking_needs_an_existing_someone_else()
    {
        using var a = await NewPersonAsync("Ann Alone");
        Assert.Equal(HttpStatusCode.BadRequest, (await a.OnA.Http.PutAsync($"/api/users/{a.Id}/block", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await a.OnA.Http.PutAsync("/api/users/0123456789abcdef01234567/block", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await a.OnA.Http.PutAsync("/api/users/NOT-AN-ID/block", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await a.OnA.Http.DeleteAsync("/api/users/0123456789abcdef01234567/block")).StatusCode);
    }

    // ---------------------------------------------------------------- search

    [Fact]
    public async Task Search_finds_every_word_case_and_accent_insensitively_newest_first_in_my_conversations_only()
    {
        using var a = await NewPersonAsync("Ann Search");
        using var b = await NewPersonAsync("Ben Search");
        using var c = await NewPersonAsync("Cat Search");
        using var d = await NewPersonAsync("Dan Search");
        var tag = Guid.NewGuid().ToString("N")[..8];
        var (_, first) = await SendAsync(a.OnA, b.Id, $"Le CAFÉ {tag} est prêt");
        var (_, second) = await SendAsync(b.OnB, a.Id, $"café {tag}? j'arrive");
        var (_, third) = await SendAsync(c.OnA, a.Id, $"Cafe {tag} tomorrow");
        await SendAsync(a.OnA, b.Id, $"tea {tag} only");
        await SendAsync(c.OnA, d.Id, $"cafe {tag} between Cat and Dan"); // another pair's

        var hits = await SearchAsync(a.OnB, $"cafe {tag.ToUpperInvariant()}");
        Assert.Equal([third!.Id, second!.Id, first!.Id], hits.Items.Select(h => h.Message.Id));
        Assert.Equal([c.Id, b.Id, b.Id], hits.Items.Select(h => h.Peer.Id));

        Assert.Equal([first.Id], (await SearchAsync(a.OnA, $"prêt CAFE {tag}")).Items.Select(h => h.Message.Id)); // every word
        Assert.Equal([second.Id, first.Id], (await SearchAsync(a.OnA, $"café {tag}", $"&peerId={b.Id}")).Items.Select(h => h.Message.Id));
        Assert.Empty((await SearchAsync(a.OnA, $"Dan {tag}")).Items); // nobody finds another pair's messages
        Assert.Single((await SearchAsync(d.OnA, $"cafe {tag}")).Items); // Dan finds only his own

        var page1 = await SearchAsync(a.OnA, $"cafe {tag}", "&limit=2");
        Assert.NotNull(page1.Next);
        var page2 = await SearchAsync(a.OnA, $"cafe {tag}", $"&limit=2&before={page1.Next}");
        Assert.Equal([first.Id], page2.Items.Select(h => h.Message.Id));
        Assert.Null(page2.Next);

        foreach (var bad in new[] { "", "   ", "?!", new string('a', 101) })
        {
            using var response = await a.OnA.Http.GetAsync($"/api/search/messages?q={Uri.EscapeDataString(bad)}");
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
    }

    private static async Task<SearchPageDto> SearchAsync(ChatApiClient client, string q, string more = "") =>
        (await client.Http.GetFromJsonAsync<SearchPageDto>($"/api/search/messages?q={Uri.EscapeDataString(q)}{more}", ChatApiClient.Json))!;

    private sealed record ReplyDto(string Id, long Seq, string SenderId, string? Text, bool HasImage, bool Deleted);

    private sealed record ReactionDto(string Emoji, int Count, bool Mine);

    private sealed record FullMessageDto(
        string Id, string ConversationId, long Seq, string SenderId, string RecipientId, string? Text, bool Deleted,
        ReplyDto? ReplyTo, List<ReactionDto> Reactions);

    private sealed record FullPageDto(List<FullMessageDto> Items, bool HasMore);

    private sealed record BlockContactDto(string Id, string FullName, bool Online, DateTime? LastSeenAt, bool Blocked);

    private sealed record BlockContactPageDto(List<BlockContactDto> Items, string? Next);

    private sealed record SearchHitDto(FullMessageDto Message, BlockContactDto Peer);

    private sealed record SearchPageDto(List<SearchHitDto> Items, string? Next);
}

using System.Net;
using System.Net.Http.Json;
using Chat.LoadTest.Push;
using Chat.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Tests.Cluster;

/// <summary>
/// Message requests (API 1.3): someone who takes messages only from their conversations gets a
/// stranger's first message apart, unpushed and unseen by its sender, until they accept it,
/// answer it or delete it; a sender starts only so many a day.
/// </summary>
[Collection(ClusterCollection.Name)]
public class MessageRequestTests(ClusterFixture cluster)
{
    private Uri ReplicaA => cluster.ApiReplicas[0];
    private Uri ReplicaB => cluster.ApiReplicas[1];

    private async Task<ReplicaPerson> NewPersonAsync(string name, string messagesFrom = "everyone")
    {
        var person = await ReplicaPerson.SignUpAsync(cluster, $"{name} {Guid.NewGuid():N}");
        if (messagesFrom != "everyone") Assert.Equal(HttpStatusCode.OK, (await person.OnA.SetPrivacyAsync(new { messagesFrom })).Status);
        return person;
    }

    private static async Task<RequestListedDto?> ListedAsync(ChatApiClient client, string peerId) =>
        (await client.Http.GetFromJsonAsync<List<RequestListedDto>>("/api/conversations", ChatApiClient.Json))!.SingleOrDefault(c => c.Peer?.Id == peerId);

    private static async Task<MessageDto> SentAsync(ChatApiClient from, string peerId, string text)
    {
        var (response, message) = await from.SendAsync(peerId, text);
        using (response) Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return message!;
    }

    private static async Task<HttpStatusCode> CallAsync(ChatApiClient client, HttpMethod method, string path)
    {
        using var response = await client.Http.SendAsync(new HttpRequestMessage(method, path));
        return response.StatusCode;
    }

    [Fact]
    public async Task A_strangers_first_message_waits_apart_unpushed_and_unseen_until_accepted()
    {
        using var ann = await NewPersonAsync("Ann Requests", messagesFrom: "conversations");
        using var ben = await NewPersonAsync("Ben Stranger");
        using var cat = await NewPersonAsync("Cat Friend");
        await SentAsync(ann.OnA, cat.Id, "we already talk");
        Assert.Equal(HttpStatusCode.OK, (await ann.OnA.SetPrivacyAsync(new { lastSeen = "conversations" })).Status);
        using var phone = new PushReceiver();
        var endpoint = cluster.PushService.NewEndpoint();
        Assert.Equal(HttpStatusCode.NoContent, await ann.OnB.SubscribeAsync(endpoint, phone));
        await using var benLive = await LiveClient.ConnectAsync(ReplicaB, ben.Token);

        var first = await SentAsync(ben.OnA, ann.Id, "hello, we met at the conference");
        var waiting = await ListedAsync(ann.OnB, ben.Id);
        Assert.Equal((true, first.Seq), (waiting!.Request, waiting.LastSeq));
        Assert.False((await ListedAsync(ben.OnB, ann.Id))!.Request); // the sender sees an ordinary conversation

        // Ann reads it and types: Ben learns nothing; Ann's phone was not pushed (Cat's message is).
        await using (var annLive = await LiveClient.ConnectAsync(ReplicaA, ann.Token))
        {
            await annLive.Connection.InvokeAsync("MarkRead", ben.Id, first.Seq);
            await annLive.WaitForAsync<ReadUpToDto>("ReadUpTo", r => r.ReaderId == ann.Id && r.Seq == first.Seq);
            await annLive.Connection.InvokeAsync("Typing", ben.Id);
        }
        await SentAsync(cat.OnA, ann.Id, "lunch?");
        Assert.Single(await cluster.PushService.WaitForAsync(endpoint, 1, TimeSpan.FromSeconds(15)));
        await Task.Delay(500);
        Assert.Single(cluster.PushService.AcceptedFor(endpoint));
        Assert.Empty(benLive.All<ReadUpToDto>("ReadUpTo"));
        Assert.Empty(benLive.All<TypingDto>("Typing"));
        Assert.Equal(0, (await ListedAsync(ben.OnA, ann.Id))!.PeerReadSeq);
        Assert.Equal((false, null), ((await ben.OnA.ContactAsync(ann.User)).Online, (await ben.OnA.ContactAsync(ann.User)).LastSeenAt));

        // Accepted: an ordinary conversation, and her next read mark reaches Ben.
        Assert.Equal(HttpStatusCode.NoContent, await CallAsync(ann.OnA, HttpMethod.Post, $"/api/conversations/{ben.Id}/accept"));
        Assert.Equal(HttpStatusCode.NoContent, await CallAsync(ann.OnB, HttpMethod.Post, $"/api/conversations/{ben.Id}/accept")); // again: nothing changes
        Assert.False((await ListedAsync(ann.OnB, ben.Id))!.Request);
        var second = await SentAsync(ben.OnB, ann.Id, "thanks!");
        using (var read = await ann.OnA.Http.PostAsJsonAsync($"/api/conversations/{ben.Id}/read", new { seq = second.Seq }))
        {
            Assert.Equal(HttpStatusCode.NoContent, read.StatusCode);
        }
        await benLive.WaitForAsync<ReadUpToDto>("ReadUpTo", r => r.ReaderId == ann.Id && r.Seq == second.Seq);
        Assert.Equal(2, (await cluster.PushService.WaitForAsync(endpoint, 2, TimeSpan.FromSeconds(15))).Count); // pushed now
        Assert.Equal(HttpStatusCode.NotFound, await CallAsync(ann.OnA, HttpMethod.Delete, $"/api/conversations/{ben.Id}/request"));
    }

    [Fact]
    public async Task A_deleted_request_leaves_the_list_until_the_sender_writes_again_and_an_answer_accepts_it()
    {
        using var ann = await NewPersonAsync("Ann Declines", messagesFrom: "conversations");
        using var dan = await NewPersonAsync("Dan Persistent");
        using var eve = await NewPersonAsync("Eve Answered");

        await SentAsync(dan.OnA, ann.Id, "buy my course");
        Assert.Equal(HttpStatusCode.NoContent, await CallAsync(ann.OnB, HttpMethod.Delete, $"/api/conversations/{dan.Id}/request"));
        Assert.Null(await ListedAsync(ann.OnA, dan.Id));
        Assert.NotNull(await ListedAsync(dan.OnA, ann.Id)); // the sender is not told
        var again = await SentAsync(dan.OnB, ann.Id, "last chance");
        var back = await ListedAsync(ann.OnA, dan.Id);
        Assert.Equal((true, again.Seq), (back!.Request, back.LastSeq));

        // Answering is accepting.
        await SentAsync(eve.OnA, ann.Id, "hi Ann, it's Eve");
        Assert.True((await ListedAsync(ann.OnA, eve.Id))!.Request);
        await SentAsync(ann.OnB, eve.Id, "oh hi Eve");
        Assert.False((await ListedAsync(ann.OnA, eve.Id))!.Request);
        Assert.Equal(HttpStatusCode.NotFound, await CallAsync(ann.OnA, HttpMethod.Delete, $"/api/conversations/{eve.Id}/request"));

        // No conversation, nothing to accept or delete; a forged id names no one.
        using var zoe = await NewPersonAsync("Zoe Nobody");
        Assert.Equal(HttpStatusCode.NotFound, await CallAsync(ann.OnA, HttpMethod.Post, $"/api/conversations/{zoe.Id}/accept"));
        Assert.Equal(HttpStatusCode.NotFound, await CallAsync(ann.OnA, HttpMethod.Delete, $"/api/conversations/{zoe.Id}/request"));
        Assert.Equal(HttpStatusCode.NotFound, await CallAsync(ann.OnA, HttpMethod.Post, "/api/conversations/not-an-id/accept"));
        // Only the recipient deletes a request; its sender has none to delete.
        Assert.Equal(HttpStatusCode.NotFound, await CallAsync(dan.OnA, HttpMethod.Delete, $"/api/conversations/{ann.Id}/request"));
    }

    [Fact]
    public async Task Group_members_are_no_strangers_and_a_sender_starts_at_most_twenty_requests_a_day()
    {
        using var ann = await NewPersonAsync("Ann Grouped", messagesFrom: "conversations");
        using var cat = await NewPersonAsync("Cat Member");
        await cat.OnA.NewGroupAsync("Ann and Cat", ann.Id);
        await SentAsync(cat.OnB, ann.Id, "hi from the group");
        Assert.False((await ListedAsync(ann.OnA, cat.Id))!.Request);

        using var spammer = await NewPersonAsync("Sam Spammer");
        var targets = new List<ReplicaPerson>();
        try
        {
            for (var i = 0; i < 21; i++) targets.Add(await NewPersonAsync($"Target {i}", messagesFrom: "conversations"));
            foreach (var target in targets.Take(20)) await SentAsync(spammer.OnA, target.Id, "great offer");
            var (refused, _) = await spammer.OnB.SendAsync(targets[20].Id, "great offer");
            using (refused)
            {
                Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
                Assert.NotNull(refused.Headers.RetryAfter);
            }
            Assert.Null(await ListedAsync(targets[20].OnA, spammer.Id)); // nothing stored
            await SentAsync(spammer.OnA, targets[0].Id, "a second message within a request is no new request");
            await SentAsync(spammer.OnA, cat.Id, "someone open to everyone is still reachable");
        }
        finally
        {
            foreach (var target in targets) target.Dispose();
        }
    }
}

public sealed record RequestListedDto(string Id, ContactDto? Peer, long LastSeq, long PeerReadSeq, bool Request);

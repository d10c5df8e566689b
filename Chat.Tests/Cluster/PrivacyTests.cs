using System.Net;
using System.Net.Http.Json;
using Chat.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Tests.Cluster;

/// <summary>
/// Privacy choices (API 1.3): read receipts, who sees me online and when I was last seen, each
/// honoured over REST, the hub and live pushes, on both replicas, while a third person still sees
/// what they may.
/// </summary>
[Collection(ClusterCollection.Name)]
public class PrivacyTests(ClusterFixture cluster)
{
    private Uri ReplicaA => cluster.ApiReplicas[0];
    private Uri ReplicaB => cluster.ApiReplicas[1];

    // Long enough for a presence flush (ClusterFixture's batch interval) to have reached everyone.
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(800);

    private Task<ReplicaPerson> NewPersonAsync(string name) => ReplicaPerson.SignUpAsync(cluster, $"{name} {Guid.NewGuid():N}");

    private static IEnumerable<PresenceDto> DeltasOf(LiveClient watcher, string userId) =>
        watcher.All<List<PresenceDto>>("PresenceChanged").SelectMany(batch => batch).Where(d => d.UserId == userId);

    private static Task<PresenceDto> DeltaAsync(LiveClient watcher, string userId, Func<PresenceDto, bool> match) =>
        watcher.WaitForAsync<List<PresenceDto>>("PresenceChanged", b => b.Any(d => d.UserId == userId && match(d)))
            .ContinueWith(t => t.Result.Last(d => d.UserId == userId && match(d)));

    [Fact]
    public async Task The_settings_start_open_change_field_by_field_and_refuse_unknown_choices()
    {
        using var ann = await NewPersonAsync("Ann Settings");
        Assert.Equal(new PrivacyDto(true, "everyone", "everyone"), await ann.OnA.PrivacyAsync());

        var (status, changed) = await ann.OnA.SetPrivacyAsync(new { lastSeen = "nobody" });
        Assert.Equal((HttpStatusCode.OK, new PrivacyDto(true, "nobody", "everyone")), (status, changed));
        (status, changed) = await ann.OnB.SetPrivacyAsync(new { readReceipts = false, messagesFrom = "conversations" });
        Assert.Equal((HttpStatusCode.OK, new PrivacyDto(false, "nobody", "conversations")), (status, changed));
        Assert.Equal(changed, await ann.OnA.PrivacyAsync()); // the other replica at once

        foreach (var bad in new object[] { new { lastSeen = "friends" }, new { messagesFrom = "nobody" }, new { lastSeen = "Everyone" } })
        {
            using var refused = await ann.OnA.Http.PutAsJsonAsync("/api/users/me/privacy", bad);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var problem = await refused.Content.ReadFromJsonAsync<ProblemDto>(ChatApiClient.Json);
            Assert.NotEmpty(problem!.Errors!);
        }
        using (var notJson = await ann.OnA.Http.PutAsync("/api/users/me/privacy", new StringContent("{\"readReceipts\":\"yes\"}", System.Text.Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        }
        Assert.Equal(changed, await ann.OnB.PrivacyAsync());

        using var stranger = ChatApiClient.For(ReplicaA);
        using var anonymous = await stranger.Http.GetAsync("/api/users/me/privacy");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task Read_receipts_off_show_none_of_mine_and_none_to_me_while_my_devices_keep_my_place()
    {
        using var ann = await NewPersonAsync("Ann Receipts");
        using var ben = await NewPersonAsync("Ben Private");
        using var cat = await NewPersonAsync("Cat Receipts");
        var (_, toBen) = await ann.OnA.SendAsync(ben.Id, "read this?");
        var (_, benToAnn) = await ben.OnA.SendAsync(ann.Id, "and you this");
        await cat.OnA.SendAsync(ann.Id, "hi Ann");
        Assert.Equal(HttpStatusCode.OK, (await ben.OnB.SetPrivacyAsync(new { readReceipts = false })).Status);

        await using var annLive = await LiveClient.ConnectAsync(ReplicaA, ann.Token);
        await using var benLive = await LiveClient.ConnectAsync(ReplicaB, ben.Token);
        await using var benOther = await LiveClient.ConnectAsync(ReplicaA, ben.Token);
        await using var catLive = await LiveClient.ConnectAsync(ReplicaB, cat.Token);

        // Ben reads Ann's message: his devices follow, Ann is not told.
        await benLive.Connection.InvokeAsync("MarkRead", ann.Id, toBen!.Seq + 1);
        await benOther.WaitForAsync<ReadUpToDto>("ReadUpTo", r => r.ReaderId == ben.Id && r.Seq == toBen.Seq + 1);
        var benSees = (await ben.OnA.ConversationsAsync()).Single(c => c.Peer.Id == ann.Id);
        Assert.Equal((toBen.Seq + 1, 0L), (benSees.MyReadSeq, benSees.UnreadCount));

        // Ann reads Ben's and Cat's: Cat is told (both share receipts), Ben is not (he shares none, so sees none).
        await annLive.Connection.InvokeAsync("MarkRead", ben.Id, benToAnn!.Seq);
        await annLive.Connection.InvokeAsync("MarkRead", cat.Id, 1L);
        await catLive.WaitForAsync<ReadUpToDto>("ReadUpTo", r => r.ReaderId == ann.Id && r.Seq == 1);
        Assert.Equal(1, (await cat.OnA.ConversationsAsync()).Single(c => c.Peer.Id == ann.Id).PeerReadSeq);
        await Task.Delay(Settle);

        Assert.DoesNotContain(annLive.All<ReadUpToDto>("ReadUpTo"), r => r.ReaderId == ben.Id);
        Assert.DoesNotContain(benLive.All<ReadUpToDto>("ReadUpTo"), r => r.ReaderId == ann.Id);
        Assert.Equal(0, (await ann.OnB.ConversationsAsync()).Single(c => c.Peer.Id == ben.Id).PeerReadSeq);
        Assert.Equal(0, (await ben.OnB.ConversationsAsync()).Single(c => c.Peer.Id == ann.Id).PeerReadSeq);

        // Turned back on, the marks show again (both ways), as stored.
        Assert.Equal(HttpStatusCode.OK, (await ben.OnA.SetPrivacyAsync(new { readReceipts = true })).Status);
        Assert.Equal(toBen.Seq + 1, (await ann.OnB.ConversationsAsync()).Single(c => c.Peer.Id == ben.Id).PeerReadSeq);
        Assert.Equal(benToAnn.Seq, (await ben.OnB.ConversationsAsync()).Single(c => c.Peer.Id == ann.Id).PeerReadSeq);
    }

    [Fact]
    public async Task In_a_group_a_member_with_receipts_off_is_left_out_of_seen_by_and_sees_no_ones()
    {
        using var ann = await NewPersonAsync("Ann Group Receipts");
        using var ben = await NewPersonAsync("Ben Group Private");
        using var cat = await NewPersonAsync("Cat Group Receipts");
        var groupId = await ann.OnA.NewGroupAsync("Quiet readers", ben.Id, cat.Id);
        var message = await ann.OnA.SentToGroupAsync(groupId, "who read this?");
        Assert.Equal(HttpStatusCode.OK, (await ben.OnA.SetPrivacyAsync(new { readReceipts = false })).Status);
        await using var annLive = await LiveClient.ConnectAsync(ReplicaA, ann.Token);
        await using var benLive = await LiveClient.ConnectAsync(ReplicaB, ben.Token);

        Assert.Equal(HttpStatusCode.NoContent, await ben.OnB.MarkGroupReadAsync(groupId, message.Seq));
        Assert.Equal(HttpStatusCode.NoContent, await cat.OnA.MarkGroupReadAsync(groupId, message.Seq));
        var progress = await annLive.WaitForAsync<GroupReadProgressDto>("GroupReadProgress",
            p => p.ConversationId == groupId && p.Readers.Any(r => r.UserId == cat.Id && r.Seq == message.Seq), TimeSpan.FromSeconds(5));
        Assert.Equal([ann.Id, cat.Id], progress.Readers.Select(r => r.UserId).Order());

        var readers = await ann.OnB.Http.GetFromJsonAsync<List<ContactDto>>($"/api/groups/{groupId}/messages/{message.Seq}/readers", ChatApiClient.Json);
        Assert.Equal([cat.Id], readers!.Select(r => r.Id));
        var (_, seenByAnn) = await ann.OnA.GroupAsync(groupId);
        Assert.Equal(0, seenByAnn!.Members.Single(m => m.User.Id == ben.Id).ReadSeq);
        Assert.Equal(message.Seq, seenByAnn.Members.Single(m => m.User.Id == cat.Id).ReadSeq);

        // Ben sees only his own place, in the list, the members and "seen by".
        var (_, seenByBen) = await ben.OnB.GroupAsync(groupId);
        Assert.Equal(message.Seq, seenByBen!.Members.Single(m => m.User.Id == ben.Id).ReadSeq);
        Assert.All(seenByBen.Members.Where(m => m.User.Id != ben.Id), m => Assert.Equal(0, m.ReadSeq));
        var benReaders = await ben.OnA.Http.GetFromJsonAsync<List<ContactDto>>($"/api/groups/{groupId}/messages/{message.Seq}/readers", ChatApiClient.Json);
        Assert.Equal([ben.Id], benReaders!.Select(r => r.Id));
        Assert.Equal(message.Seq, (await ben.OnA.AllConversationsAsync()).Single(c => c.Id == groupId).MyReadSeq);
        Assert.Empty(benLive.All<GroupReadProgressDto>("GroupReadProgress"));
    }

    [Fact]
    public async Task Last_seen_nobody_hides_me_from_everyone_but_my_own_devices_and_takes_back_what_they_saw()
    {
        using var ann = await NewPersonAsync("Ann Hidden");
        using var ben = await NewPersonAsync("Ben Watches");
        await ben.OnA.SendAsync(ann.Id, "we talk");
        Assert.Equal(HttpStatusCode.OK, (await ann.OnA.SetPrivacyAsync(new { lastSeen = "nobody" })).Status);
        await using var benLive = await LiveClient.ConnectAsync(ReplicaB, ben.Token);

        // Ann comes online: her own device is told, Ben is not, and the directory and the list agree.
        var annPhone = await LiveClient.ConnectAsync(ReplicaA, ann.Token);
        await DeltaAsync(annPhone, ann.Id, d => d.Online);
        await Task.Delay(Settle);
        Assert.DoesNotContain(DeltasOf(benLive, ann.Id), d => d.Online || d.LastSeenAt is not null); // at most "hidden", from the change
        Assert.Equal((false, null), Seen(await ben.OnB.ContactAsync(ann.User)));
        Assert.Equal((false, null), Seen((await ben.OnA.ConversationsAsync()).Single(c => c.Peer.Id == ann.Id).Peer));

        // Open: Ben is told she is online. Hidden again: he is told she is neither online nor seen.
        Assert.Equal(HttpStatusCode.OK, (await ann.OnB.SetPrivacyAsync(new { lastSeen = "everyone" })).Status);
        await DeltaAsync(benLive, ann.Id, d => d.Online);
        Assert.True((await ben.OnA.ContactAsync(ann.User)).Online);
        Assert.Equal(HttpStatusCode.OK, (await ann.OnA.SetPrivacyAsync(new { lastSeen = "nobody" })).Status);
        var hidden = await DeltaAsync(benLive, ann.Id, d => !d.Online);
        Assert.Null(hidden.LastSeenAt);
        Assert.Equal((false, null), Seen(await ben.OnB.ContactAsync(ann.User)));

        // She leaves: Ben learns nothing of it.
        await annPhone.DisposeAsync();
        await Task.Delay(TimeSpan.FromSeconds(4)); // past the offline grace
        Assert.Equal((false, null), Seen(await ben.OnB.ContactAsync(ann.User)));
        Assert.All(DeltasOf(benLive, ann.Id).Where(d => !d.Online), d => Assert.Null(d.LastSeenAt));

        // Open again: when she was last seen is shown.
        Assert.Equal(HttpStatusCode.OK, (await ann.OnB.SetPrivacyAsync(new { lastSeen = "everyone" })).Status);
        var shown = await DeltaAsync(benLive, ann.Id, d => d.LastSeenAt is not null);
        Assert.False(shown.Online);
        Assert.Equal((false, shown.LastSeenAt), Seen(await ben.OnA.ContactAsync(ann.User)));
    }

    [Fact]
    public async Task Last_seen_conversations_shows_me_to_the_people_I_talk_with_and_group_members_and_no_one_else()
    {
        using var ann = await NewPersonAsync("Ann Selective");
        using var ben = await NewPersonAsync("Ben Talks");
        using var cat = await NewPersonAsync("Cat Grouped");
        using var dan = await NewPersonAsync("Dan Blocked");
        using var eve = await NewPersonAsync("Eve Stranger");
        await ben.OnA.SendAsync(ann.Id, "we talk");
        await dan.OnA.SendAsync(ann.Id, "we talked once");
        await ann.OnA.NewGroupAsync("Ann and Cat", cat.Id);
        using (var block = await ann.OnA.Http.PutAsync($"/api/users/{dan.Id}/block", null)) block.EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.OK, (await ann.OnB.SetPrivacyAsync(new { lastSeen = "conversations" })).Status);

        await using var benLive = await LiveClient.ConnectAsync(ReplicaA, ben.Token);
        await using var catLive = await LiveClient.ConnectAsync(ReplicaB, cat.Token);
        await using var danLive = await LiveClient.ConnectAsync(ReplicaA, dan.Token);
        await using var eveLive = await LiveClient.ConnectAsync(ReplicaB, eve.Token);
        await using var annLive = await LiveClient.ConnectAsync(ReplicaA, ann.Token);

        await DeltaAsync(benLive, ann.Id, d => d.Online);
        await DeltaAsync(catLive, ann.Id, d => d.Online);
        await DeltaAsync(annLive, ann.Id, d => d.Online);
        await Task.Delay(Settle);
        // (At most the "hidden" restatement the change of choice sent to everyone else.)
        Assert.DoesNotContain(DeltasOf(eveLive, ann.Id), d => d.Online || d.LastSeenAt is not null);
        Assert.DoesNotContain(DeltasOf(danLive, ann.Id), d => d.Online || d.LastSeenAt is not null);

        Assert.True((await ben.OnB.ContactAsync(ann.User)).Online);
        Assert.True((await cat.OnA.ContactAsync(ann.User)).Online);
        Assert.Equal((false, null), Seen(await eve.OnA.ContactAsync(ann.User)));
        // A first message makes Eve someone Ann talks with (Ann takes messages from everyone).
        await eve.OnA.SendAsync(ann.Id, "hello?");
        Assert.True((await eve.OnB.ContactAsync(ann.User)).Online);
    }

    private static (bool Online, DateTime? LastSeenAt) Seen(ContactDto contact) => (contact.Online, contact.LastSeenAt);
}

public sealed record PrivacyDto(bool ReadReceipts, string LastSeen, string MessagesFrom);

public static class PrivacyCalls
{
    public static async Task<PrivacyDto> PrivacyAsync(this ChatApiClient client) =>
        (await client.Http.GetFromJsonAsync<PrivacyDto>("/api/users/me/privacy", ChatApiClient.Json))!;

    public static async Task<(HttpStatusCode Status, PrivacyDto? Privacy)> SetPrivacyAsync(this ChatApiClient client, object change)
    {
        using var response = await client.Http.PutAsJsonAsync("/api/users/me/privacy", change);
        return (response.StatusCode, response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<PrivacyDto>(ChatApiClient.Json) : null);
    }
}

using System.Net;
using System.Net.Http.Json;
using Chat.Tests.Support;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Tests.Cluster;

/// <summary>
/// Group conversations (API 1.2) through the cluster: roles, membership windows on every path,
/// live pushes that follow membership on both replicas, seqs under concurrent senders, mentions,
/// read state, typing, blocking and limits.
/// </summary>
[Collection(ClusterCollection.Name)]
public class GroupTests(ClusterFixture cluster)
{
    private Uri ReplicaA => cluster.ApiReplicas[0];
    private Uri ReplicaB => cluster.ApiReplicas[1];

    private Task<ReplicaPerson> NewPersonAsync(string name) => ReplicaPerson.SignUpAsync(cluster, name);

    private static object Send(string text) => new { clientMessageId = Guid.NewGuid().ToString(), text };

    // ---------------------------------------------------------------- creating, roles

    [Fact]
    public async Task Creating_a_group_makes_the_creator_owner_and_its_first_seqs_the_created_and_added_events()
    {
        using var ann = await NewPersonAsync("Ann Create");
        using var ben = await NewPersonAsync("Ben Create");
        using var cat = await NewPersonAsync("Cat Create");

        var (status, created) = await ann.OnA.CreateGroupAsync("  Lunch crew  ", ben.Id, cat.Id);

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(("group", null, "Lunch crew", 3, "owner"), (created!.Kind, created.Peer, created.Group!.Name, created.Group.MemberCount, created.Group.MyRole));
        var (_, history) = await ben.OnB.GroupHistoryAsync(created.Id);
        Assert.Equal([1L, 2L], history!.Items.Select(m => m.Seq));
        Assert.Equal($"created {ann.Id} [] Lunch crew", Describe(history.Items[0].Event));
        Assert.Equal(("added", ann.Id), (history.Items[1].Event!.Type, history.Items[1].Event!.ActorId));
        Assert.Equal([ben.Id, cat.Id], history.Items[1].Event!.UserIds.Order());
        Assert.All(history.Items, m => Assert.Null(m.RecipientId));

        var (_, group) = await cat.OnA.GroupAsync(created.Id);
        Assert.Equal("member", group!.Group.MyRole);
        Assert.Equal(new Dictionary<string, string> { [ann.Id] = "owner", [ben.Id] = "member", [cat.Id] = "member" },
            group.Members.ToDictionary(m => m.User.Id, m => m.Role));

        // In everyone's list; events from others count as unread, the creator's own do not.
        var benSees = (await ben.OnA.AllConversationsAsync()).Single(c => c.Id == created.Id);
        Assert.Equal(("group", 2L, 2L), (benSees.Kind, benSees.LastSeq, benSees.UnreadCount));
        Assert.Equal(0, (await ann.OnB.AllConversationsAsync()).Single(c => c.Id == created.Id).UnreadCount);
    }

    [Fact]
    public async Task A_group_is_refused_for_a_bad_name_and_bad_member_lists()
    {
        using var ann = await NewPersonAsync("Ann Bad");
        using var ben = await NewPersonAsync("Ben Bad");
        string[][] badMembers = [[ben.Id, ben.Id], [ann.Id], ["not-an-id"], [ben.Id.ToUpperInvariant()], ["0123456789abcdef01234567"]];
        foreach (var members in badMembers)
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await ann.OnA.CreateGroupAsync("ok", members)).Status);
        }
        foreach (var name in new[] { "", "   ", new string('n', 101), "a\u0000b" })
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await ann.OnA.CreateGroupAsync(name, ben.Id)).Status);
        }
        Assert.Equal(HttpStatusCode.Created, (await ann.OnA.CreateGroupAsync(new string('n', 100), ben.Id)).Status);
    }

    [Fact]
    public async Task Someone_never_in_a_group_gets_404_for_everything_of_it_over_REST_and_the_hub()
    {
        using var ann = await NewPersonAsync("Ann Private");
        using var ben = await NewPersonAsync("Ben Private");
        using var eve = await NewPersonAsync("Eve Outsider");
        var groupId = await ann.OnA.NewGroupAsync("Secret plans", ben.Id);
        var message = await ann.OnA.SentToGroupAsync(groupId, "the secret is here");
        var notAGroup = "0123456789abcdef01234567";

        foreach (var id in new[] { groupId, notAGroup, groupId.ToUpperInvariant() })
        {
            var http = eve.OnB.Http;
            Assert.Equal(HttpStatusCode.NotFound, (await eve.OnB.GroupAsync(id)).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await eve.OnB.GroupHistoryAsync(id, "after=0")).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await eve.OnB.SendToGroupAsync(id, "let me in")).Status);
            Assert.Equal(HttpStatusCode.NotFound, await eve.OnB.MarkGroupReadAsync(id, 1));
            Assert.Equal(HttpStatusCode.NotFound, await eve.OnB.AddMembersAsync(id, eve.Id));
            Assert.Equal(HttpStatusCode.NotFound, await eve.OnB.RemoveMemberAsync(id, ben.Id));
            Assert.Equal(HttpStatusCode.NotFound, await eve.OnB.SetRoleAsync(id, ben.Id, "admin"));
            Assert.Equal(HttpStatusCode.NotFound, await eve.OnB.RenameGroupAsync(id, "mine now"));
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/api/groups/{id}/messages/1/readers")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await http.DeleteAsync($"/api/groups/{id}/conversation")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/api/search/messages?q=secret&conversationId={id}")).StatusCode);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await eve.OnA.Http.PutAsync($"/api/messages/{message.Id}/reactions/%F0%9F%91%8D", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await eve.OnA.Http.PatchAsJsonAsync($"/api/messages/{message.Id}", new { text = "x" })).StatusCode);
        Assert.Empty((await eve.OnA.Http.GetFromJsonAsync<SearchDto>("/api/search/messages?q=secret", ChatApiClient.Json))!.Items);
        Assert.DoesNotContain(await eve.OnA.AllConversationsAsync(), c => c.Id == groupId);

        await using var live = await LiveClient.ConnectAsync(ReplicaA, eve.Token);
        foreach (var call in new Func<Task>[]
        {
            () => live.Connection.InvokeAsync<GroupMessageDto>("SendGroupMessage", groupId, Send("hub")),
            () => live.Connection.InvokeAsync("MarkGroupRead", groupId, 1L),
            () => live.Connection.InvokeAsync("GroupTyping", groupId),
            () => live.Connection.InvokeAsync<GroupMessageDto>("React", message.Id, "👍", true),
        })
        {
            var refused = await Assert.ThrowsAsync<HubException>(call);
            Assert.Contains("not found", refused.Message);
        }
        await ann.OnA.SentToGroupAsync(groupId, "after eve connected");
        await Task.Delay(300);
        Assert.Empty(live.All<GroupMessageDto>("MessageReceived"));
        Assert.Empty(live.All<TypingDto>("Typing"));
    }

    [Fact]
    public async Task Only_admins_manage_members_only_the_owner_sets_roles_and_the_owner_cannot_be_removed()
    {
        using var owner = await NewPersonAsync("Olga Owner");
        using var admin = await NewPersonAsync("Adam Admin");
        using var member = await NewPersonAsync("Mia Member");
        using var newcomer = await NewPersonAsync("Nina New");
        var groupId = await owner.OnA.NewGroupAsync("Roles", admin.Id, member.Id);

        // A plain member: no changes to the group or others; an admin only once the owner says so.
        Assert.Equal(HttpStatusCode.Forbidden, await member.OnB.AddMembersAsync(groupId, newcomer.Id));
        Assert.Equal(HttpStatusCode.Forbidden, await member.OnB.RemoveMemberAsync(groupId, admin.Id));
        Assert.Equal(HttpStatusCode.Forbidden, await member.OnB.RenameGroupAsync(groupId, "Mine"));
        Assert.Equal(HttpStatusCode.Forbidden, await admin.OnB.SetRoleAsync(groupId, admin.Id, "admin"));
        Assert.Equal(HttpStatusCode.OK, await owner.OnA.SetRoleAsync(groupId, admin.Id, "admin"));
        Assert.Equal(HttpStatusCode.BadRequest, await owner.OnA.SetRoleAsync(groupId, admin.Id, "owner"));
        Assert.Equal(HttpStatusCode.BadRequest, await owner.OnA.SetRoleAsync(groupId, owner.Id, "member"));

        Assert.Equal(HttpStatusCode.OK, await admin.OnB.AddMembersAsync(groupId, newcomer.Id));
        Assert.Equal(HttpStatusCode.OK, await admin.OnB.RenameGroupAsync(groupId, "Roles and more"));
        Assert.Equal(HttpStatusCode.Forbidden, await admin.OnB.SetRoleAsync(groupId, member.Id, "admin"));
        Assert.Equal(HttpStatusCode.Forbidden, await admin.OnA.RemoveMemberAsync(groupId, owner.Id));
        Assert.Equal(HttpStatusCode.NoContent, await admin.OnA.RemoveMemberAsync(groupId, newcomer.Id));
        Assert.Equal(HttpStatusCode.NotFound, await admin.OnA.RemoveMemberAsync(groupId, newcomer.Id)); // not in any more

        // A removed member can change nothing: 403, with their past still readable.
        Assert.Equal(HttpStatusCode.Forbidden, (await newcomer.OnA.SendToGroupAsync(groupId, "still here?")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, await newcomer.OnA.AddMembersAsync(groupId, newcomer.Id));
        Assert.Equal(HttpStatusCode.OK, (await newcomer.OnA.GroupHistoryAsync(groupId)).Status);

        var (_, history) = await member.OnA.GroupHistoryAsync(groupId);
        Assert.Equal(["created", "added", "role", "added", "renamed", "removed"], history!.Items.Select(m => m.Event!.Type));
        Assert.Equal($"role {owner.Id} [{admin.Id}] admin", Describe(history.Items[2].Event));
        Assert.Equal("Roles and more", history.Items[4].Event!.Name);
    }

    [Fact]
    public async Task The_owner_leaving_hands_over_to_the_longest_standing_admin_else_member_and_the_last_one_out_ends_it()
    {
        using var owner = await NewPersonAsync("Oscar Owner");
        using var early = await NewPersonAsync("Eli Early");
        using var admin = await NewPersonAsync("Ada Later Admin");
        var groupId = await owner.OnA.NewGroupAsync("Succession", early.Id);
        Assert.Equal(HttpStatusCode.OK, await owner.OnA.AddMembersAsync(groupId, admin.Id));
        Assert.Equal(HttpStatusCode.OK, await owner.OnA.SetRoleAsync(groupId, admin.Id, "admin"));

        Assert.Equal(HttpStatusCode.NoContent, await owner.OnB.RemoveMemberAsync(groupId, owner.Id)); // leave
        var (_, group) = await early.OnA.GroupAsync(groupId);
        Assert.Equal(new Dictionary<string, string> { [early.Id] = "member", [admin.Id] = "owner" }, group!.Members.ToDictionary(m => m.User.Id, m => m.Role));
        var (_, formerView) = await owner.OnA.GroupAsync(groupId);
        Assert.Equal((null, 2), (formerView!.Group.MyRole, formerView.Group.MemberCount));
        Assert.NotNull(formerView.Group.LeftAt);
        Assert.Empty(formerView.Members);

        // No admin left: the longest-standing member takes over.
        Assert.Equal(HttpStatusCode.NoContent, await admin.OnA.RemoveMemberAsync(groupId, admin.Id));
        Assert.Equal("owner", (await early.OnB.GroupAsync(groupId)).Group!.Group.MyRole);
        Assert.Equal(HttpStatusCode.NoContent, await early.OnB.RemoveMemberAsync(groupId, early.Id));

        var (_, ended) = await early.OnA.GroupAsync(groupId);
        Assert.Equal(0, ended!.Group.MemberCount);
        var (_, history) = await early.OnA.GroupHistoryAsync(groupId);
        Assert.Equal(["created", "added", "added", "role", "left", "role", "left", "role", "left"], history!.Items.Select(m => m.Event!.Type));
        Assert.Equal($"role {owner.Id} [{admin.Id}] owner", Describe(history.Items[5].Event));

        // Left groups stay in the list until their former member removes them.
        Assert.Contains(await early.OnA.AllConversationsAsync(), c => c.Id == groupId);
        Assert.Equal(HttpStatusCode.NoContent, (await early.OnA.Http.DeleteAsync($"/api/groups/{groupId}/conversation")).StatusCode);
        Assert.DoesNotContain(await early.OnB.AllConversationsAsync(), c => c.Id == groupId);
    }

    // ---------------------------------------------------------------- windows

    [Fact]
    public async Task A_member_reads_only_inside_their_windows_in_history_catch_up_search_replies_reactions_and_the_list()
    {
        using var ann = await NewPersonAsync("Ann Window");
        using var ben = await NewPersonAsync("Ben Window");
        using var cat = await NewPersonAsync("Cat Window");
        var groupId = await ann.OnA.NewGroupAsync("Windows", ben.Id);
        var before = await ann.OnA.SentToGroupAsync(groupId, "zebra before cat");

        Assert.Equal(HttpStatusCode.OK, await ann.OnA.AddMembersAsync(groupId, cat.Id));
        var during = await ben.OnB.SentToGroupAsync(groupId, "zebra while cat is in");
        Assert.Equal(HttpStatusCode.NoContent, await ann.OnB.RemoveMemberAsync(groupId, cat.Id));
        var after = await ben.OnA.SentToGroupAsync(groupId, "zebra after cat left");

        var (_, seen) = await cat.OnA.GroupHistoryAsync(groupId);
        Assert.Equal(["added", "zebra while cat is in", "removed"], seen!.Items.Select(m => m.Event?.Type ?? m.Text));
        var (_, caughtUp) = await cat.OnB.GroupHistoryAsync(groupId, "after=0");
        Assert.Equal(seen.Items.Select(m => m.Seq), caughtUp!.Items.Select(m => m.Seq));
        Assert.Empty((await cat.OnB.GroupHistoryAsync(groupId, $"after={seen.Items[^1].Seq}")).Page!.Items);
        Assert.Empty((await cat.OnB.GroupHistoryAsync(groupId, $"before={seen.Items[0].Seq}")).Page!.Items);

        var found = await cat.OnA.Http.GetFromJsonAsync<SearchDto>("/api/search/messages?q=zebra", ChatApiClient.Json);
        Assert.Equal([during.Id], found!.Items.Select(h => h.Message.Id));
        Assert.Equal(("Windows", (string?)null), (found.Items[0].Group!.Name, found.Items[0].Group!.MyRole));
        var narrowed = await cat.OnA.Http.GetFromJsonAsync<SearchDto>($"/api/search/messages?q=zebra&conversationId={groupId}", ChatApiClient.Json);
        Assert.Equal([during.Id], narrowed!.Items.Select(h => h.Message.Id));
        Assert.Equal(3, (await ben.OnA.Http.GetFromJsonAsync<SearchDto>($"/api/search/messages?q=zebra&conversationId={groupId}", ChatApiClient.Json))!.Items.Count);

        // Outside the window a message is no message: not to react to, not to quote.
        Assert.Equal(HttpStatusCode.NotFound, (await cat.OnA.Http.PutAsync($"/api/messages/{before.Id}/reactions/%F0%9F%91%8D", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await cat.OnA.Http.PutAsync($"/api/messages/{after.Id}/reactions/%F0%9F%91%8D", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await cat.OnA.Http.PutAsync($"/api/messages/{during.Id}/reactions/%F0%9F%91%8D", null)).StatusCode);

        // The list shows the group as it was when Cat left.
        var listed = (await cat.OnB.AllConversationsAsync()).Single(c => c.Id == groupId);
        Assert.Equal((seen.Items[^1].Seq, seen.Items[^1].Id, (string?)null), (listed.LastSeq, listed.LastMessage!.Id, listed.Group!.MyRole));
        Assert.Equal(3, listed.UnreadCount); // the event that let Cat in, Ben's message and the removal; nothing outside the window

        // Back in: a new window from the new added event, the gap stays closed.
        Assert.Equal(HttpStatusCode.OK, await ann.OnA.AddMembersAsync(groupId, cat.Id));
        var again = await ann.OnA.SentToGroupAsync(groupId, "zebra welcome back");
        var (_, later) = await cat.OnA.GroupHistoryAsync(groupId);
        Assert.Equal(["added", "zebra while cat is in", "removed", "added", "zebra welcome back"], later!.Items.Select(m => m.Event?.Type ?? m.Text));
        Assert.DoesNotContain(later.Items, m => m.Id == after.Id);
        var (replyStatus, _) = await cat.OnB.SendToGroupAsync(groupId, "quoting the gap", replyToId: after.Id);
        Assert.Equal(HttpStatusCode.NotFound, replyStatus);
        Assert.Equal(HttpStatusCode.Created, (await cat.OnB.SendToGroupAsync(groupId, "quoting you", replyToId: again.Id)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await cat.OnB.SendToGroupAsync(groupId, "quoting an event", replyToId: later.Items[0].Id)).Status);
    }

    [Fact]
    public async Task A_group_image_is_seen_by_whoever_may_read_its_message_and_by_no_one_else()
    {
        using var ann = await NewPersonAsync("Ann Pictures");
        using var ben = await NewPersonAsync("Ben Pictures");
        using var cat = await NewPersonAsync("Cat Pictures");
        using var eve = await NewPersonAsync("Eve Pictures");
        var groupId = await ann.OnA.NewGroupAsync("Photos", ben.Id, cat.Id);

        async Task<GroupMessageDto> PhotoAsync()
        {
            using var upload = new MultipartFormDataContent { { new ByteArrayContent(TestImages.Jpeg()) { Headers = { ContentType = new("image/jpeg") } }, "file", "p.jpg" } };
            using var response = await ann.OnA.Http.PostAsync("/api/media", upload);
            var media = await response.Content.ReadFromJsonAsync<MediaIdDto>(ChatApiClient.Json);
            var (status, message) = await ann.OnA.SendToGroupAsync(groupId, null, mediaId: media!.Id);
            Assert.Equal(HttpStatusCode.Created, status);
            return message!;
        }

        var early = await PhotoAsync();
        Assert.Equal(HttpStatusCode.NoContent, await ann.OnA.RemoveMemberAsync(groupId, cat.Id));
        var late = await PhotoAsync();

        async Task<HttpStatusCode> FetchAsync(ReplicaPerson person, GroupMessageDto message)
        {
            using var response = await person.OnB.Http.GetAsync(message.Image!.ThumbnailUrl);
            return response.StatusCode;
        }
        Assert.Equal(HttpStatusCode.OK, await FetchAsync(ben, early));
        Assert.Equal(HttpStatusCode.OK, await FetchAsync(ben, late));
        Assert.Equal(HttpStatusCode.OK, await FetchAsync(cat, early));
        Assert.Equal(HttpStatusCode.NotFound, await FetchAsync(cat, late));
        Assert.Equal(HttpStatusCode.NotFound, await FetchAsync(eve, early));
        using var anonymous = new HttpClient { BaseAddress = ReplicaA };
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(early.Image!.Url)).StatusCode);
    }

    // ---------------------------------------------------------------- live

    [Fact]
    public async Task A_removed_member_stops_receiving_the_group_at_once_on_every_replica()
    {
        using var ann = await NewPersonAsync("Ann Live");
        using var ben = await NewPersonAsync("Ben Live");
        using var cat = await NewPersonAsync("Cat Live");
        var groupId = await ann.OnA.NewGroupAsync("Live", ben.Id, cat.Id);
        await using var catOnA = await LiveClient.ConnectAsync(ReplicaA, cat.Token);
        await using var catOnB = await LiveClient.ConnectAsync(ReplicaB, cat.Token);
        await using var benOnA = await LiveClient.ConnectAsync(ReplicaA, ben.Token);

        var first = await ben.OnB.SentToGroupAsync(groupId, "before");
        await catOnA.WaitForAsync<GroupMessageDto>("MessageReceived", m => m.Id == first.Id);
        await catOnB.WaitForAsync<GroupMessageDto>("MessageReceived", m => m.Id == first.Id);

        Assert.Equal(HttpStatusCode.NoContent, await ann.OnB.RemoveMemberAsync(groupId, cat.Id));
        var removal = await catOnA.WaitForAsync<GroupMessageDto>("MessageReceived", m => m.Event?.Type == "removed");
        await catOnB.WaitForAsync<GroupMessageDto>("MessageReceived", m => m.Id == removal.Id);
        var left = await catOnB.WaitForAsync<GroupChangedDto>("GroupChanged", g => g.Group.Id == groupId && g.Group.LeftAt is not null);
        Assert.Null(left.Group.MyRole);
        await benOnA.WaitForAsync<GroupChangedDto>("GroupChanged", g => g.Group.Id == groupId && g.Group.MemberCount == 2);

        // Right after the removal, from both replicas, over REST and the hub.
        var afterOnA = await ben.OnA.SentToGroupAsync(groupId, "after, REST");
        var afterOnB = await benOnA.Connection.InvokeAsync<GroupMessageDto>("SendGroupMessage", groupId, Send("after, hub"));
        await benOnA.WaitForAsync<GroupMessageDto>("MessageReceived", m => m.Id == afterOnB.Id);
        await benOnA.WaitForAsync<GroupMessageDto>("MessageReceived", m => m.Id == afterOnA.Id);
        await Task.Delay(300);
        foreach (var connection in new[] { catOnA, catOnB })
        {
            Assert.DoesNotContain(connection.All<GroupMessageDto>("MessageReceived"), m => m.Seq > removal.Seq);
        }

        // Added again: the same open connections receive the group again.
        Assert.Equal(HttpStatusCode.OK, await ann.OnA.AddMembersAsync(groupId, cat.Id));
        var welcome = await ben.OnB.SentToGroupAsync(groupId, "welcome back");
        await catOnA.WaitForAsync<GroupMessageDto>("MessageReceived", m => m.Id == welcome.Id);
        await catOnB.WaitForAsync<GroupMessageDto>("MessageReceived", m => m.Id == welcome.Id);
    }

    [Fact]
    public async Task Concurrent_senders_on_two_replicas_get_gap_free_seqs_and_every_member_receives_each_once()
    {
        var people = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => NewPersonAsync($"Sender {i}")));
        try
        {
            var groupId = await people[0].OnA.NewGroupAsync("Busy", people.Skip(1).Select(p => p.Id).ToArray());
            var live = await Task.WhenAll(people.Select((p, i) => LiveClient.ConnectAsync(i % 2 == 0 ? ReplicaA : ReplicaB, p.Token)));
            const int PerSender = 15;

            var sent = await Task.WhenAll(people.SelectMany((p, i) => Enumerable.Range(0, PerSender).Select(async n =>
                n % 2 == 0
                    ? await (i % 2 == 0 ? p.OnA : p.OnB).SentToGroupAsync(groupId, $"{i}-{n}")
                    : await live[i].Connection.InvokeAsync<GroupMessageDto>("SendGroupMessage", groupId, Send($"{i}-{n}")))));

            var seqs = sent.Select(m => m.Seq).Order().ToList();
            Assert.Equal(Enumerable.Range(3, people.Length * PerSender).Select(s => (long)s), seqs); // after created, added
            var (_, history) = await people[3].OnB.GroupHistoryAsync(groupId, "limit=200");
            Assert.Equal(Enumerable.Range(1, 2 + people.Length * PerSender).Select(s => (long)s), history!.Items.Select(m => m.Seq));
            foreach (var connection in live)
            {
                await connection.WaitForAsync<GroupMessageDto>("MessageReceived", m => m.Seq == seqs[^1]);
                var received = connection.All<GroupMessageDto>("MessageReceived").Where(m => m.Seq > 2).ToList();
                Assert.Equal(sent.Length, received.Count);
                Assert.Equal(sent.Select(m => m.Id).Order(), received.Select(m => m.Id).Order());
            }
            foreach (var connection in live) await connection.DisposeAsync();
        }
        finally
        {
            foreach (var person in people) person.Dispose();
        }
    }

    // ---------------------------------------------------------------- mentions, read state, typing

    [Fact]
    public async Task Mentions_name_members_only_and_are_counted_unread_per_conversation()
    {
        using var ann = await NewPersonAsync("Ann Mention");
        using var ben = await NewPersonAsync("Ben Mention");
        using var eve = await NewPersonAsync("Eve Mention");
        var groupId = await ann.OnA.NewGroupAsync("Mentions", ben.Id);
        Assert.Equal(HttpStatusCode.NoContent, await ben.OnA.MarkGroupReadAsync(groupId, 2));

        Assert.Equal(HttpStatusCode.BadRequest, (await ann.OnA.SendToGroupAsync(groupId, "hi @eve", mentions: [eve.Id])).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await ann.OnA.SendToGroupAsync(groupId, "hi", mentions: ["nobody"])).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await ann.OnA.SendMentionToPairAsync(ben.Id)).Status);
        var mention = await ann.OnA.SentToGroupAsync(groupId, "@Ben Mention lunch?", mentions: [ben.Id, ben.Id]);
        Assert.Equal([ben.Id], mention.Mentions);
        await ann.OnB.SentToGroupAsync(groupId, "anyone else?");

        var benSees = (await ben.OnB.AllConversationsAsync()).Single(c => c.Id == groupId);
        Assert.Equal((2L, 1L), (benSees.UnreadCount, benSees.MentionCount));
        Assert.Equal(HttpStatusCode.NoContent, await ben.OnB.MarkGroupReadAsync(groupId, mention.Seq));
        benSees = (await ben.OnA.AllConversationsAsync()).Single(c => c.Id == groupId);
        Assert.Equal((1L, 0L), (benSees.UnreadCount, benSees.MentionCount));
        Assert.Equal(0, (await ann.OnA.AllConversationsAsync()).Single(c => c.Id == groupId).MentionCount);
    }

    [Fact]
    public async Task Read_marks_move_forward_within_the_window_and_members_learn_each_others_progress()
    {
        using var ann = await NewPersonAsync("Ann Reads");
        using var ben = await NewPersonAsync("Ben Reads");
        using var cat = await NewPersonAsync("Cat Reads");
        var groupId = await ann.OnA.NewGroupAsync("Reading", ben.Id, cat.Id);
        var message = await ann.OnA.SentToGroupAsync(groupId, "read me");
        await using var annLive = await LiveClient.ConnectAsync(ReplicaA, ann.Token);
        await using var benLive = await LiveClient.ConnectAsync(ReplicaB, ben.Token);
        await using var benOther = await LiveClient.ConnectAsync(ReplicaA, ben.Token);

        await benLive.Connection.InvokeAsync("MarkGroupRead", groupId, message.Seq);
        await benOther.WaitForAsync<ReadUpToDto>("ReadUpTo", r => r.ConversationId == groupId && r.Seq == message.Seq);
        Assert.Equal(HttpStatusCode.NoContent, await cat.OnB.MarkGroupReadAsync(groupId, message.Seq));
        var progress = await annLive.WaitForAsync<GroupReadProgressDto>("GroupReadProgress",
            p => p.ConversationId == groupId && p.Readers.Count(r => r.Seq >= message.Seq) == 2, TimeSpan.FromSeconds(5));
        Assert.Equal([ann.Id, ben.Id, cat.Id], progress.Readers.Select(r => r.UserId).Order());
        Assert.Equal(2, progress.Readers.Single(r => r.UserId == ann.Id).Seq); // Ann read the events she made, not yet her message
        Assert.DoesNotContain(annLive.All<ReadUpToDto>("ReadUpTo"), r => r.ReaderId != ann.Id); // others' marks come as progress

        var readers = await ann.OnB.Http.GetFromJsonAsync<List<ContactDto>>($"/api/groups/{groupId}/messages/{message.Seq}/readers", ChatApiClient.Json);
        Assert.Equal([ben.Id, cat.Id], readers!.Select(r => r.Id).Order());
        var (_, group) = await ann.OnA.GroupAsync(groupId);
        Assert.Equal(new Dictionary<string, long> { [ann.Id] = 2, [ben.Id] = message.Seq, [cat.Id] = message.Seq },
            group!.Members.ToDictionary(m => m.User.Id, m => m.ReadSeq));

        Assert.Equal(HttpStatusCode.BadRequest, await ben.OnA.MarkGroupReadAsync(groupId, message.Seq + 1));
        Assert.Equal(HttpStatusCode.BadRequest, await ben.OnA.MarkGroupReadAsync(groupId, 0));
        Assert.Equal(HttpStatusCode.NoContent, await ben.OnA.MarkGroupReadAsync(groupId, 1)); // backwards: nothing changes
        Assert.Equal(message.Seq, (await ben.OnA.AllConversationsAsync()).Single(c => c.Id == groupId).MyReadSeq);
    }

    [Fact]
    public async Task Typing_in_a_group_reaches_the_other_members_and_no_one_else()
    {
        using var ann = await NewPersonAsync("Ann Typing");
        using var ben = await NewPersonAsync("Ben Typing");
        using var eve = await NewPersonAsync("Eve Typing");
        var groupId = await ann.OnA.NewGroupAsync("Typing", ben.Id);
        await using var annLive = await LiveClient.ConnectAsync(ReplicaA, ann.Token);
        await using var benLive = await LiveClient.ConnectAsync(ReplicaB, ben.Token);
        await using var eveLive = await LiveClient.ConnectAsync(ReplicaB, eve.Token);

        await annLive.Connection.InvokeAsync("GroupTyping", groupId);
        await benLive.WaitForAsync<TypingDto>("Typing", t => t == new TypingDto(groupId, ann.Id));
        await Task.Delay(200);
        Assert.Empty(eveLive.All<TypingDto>("Typing"));
    }

    // ---------------------------------------------------------------- blocking, changes, limits

    [Fact]
    public async Task Someone_who_blocked_you_cannot_be_added_by_you_and_a_block_removes_no_one()
    {
        using var ann = await NewPersonAsync("Ann Blocked");
        using var ben = await NewPersonAsync("Ben Blocker");
        using var cat = await NewPersonAsync("Cat Between");
        Assert.Equal(HttpStatusCode.NoContent, (await ben.OnA.Http.PutAsync($"/api/users/{ann.Id}/block", null)).StatusCode);

        Assert.Equal(HttpStatusCode.Forbidden, (await ann.OnA.CreateGroupAsync("No", ben.Id)).Status);
        var groupId = await ann.OnA.NewGroupAsync("Yes", cat.Id);
        Assert.Equal(HttpStatusCode.Forbidden, await ann.OnA.AddMembersAsync(groupId, ben.Id));

        // Someone else adds Ben; both stay, both talk, each sees the other's messages.
        Assert.Equal(HttpStatusCode.OK, await ann.OnA.SetRoleAsync(groupId, cat.Id, "admin"));
        Assert.Equal(HttpStatusCode.OK, await cat.OnB.AddMembersAsync(groupId, ben.Id));
        var fromAnn = await ann.OnA.SentToGroupAsync(groupId, "hello all");
        var fromBen = await ben.OnB.SentToGroupAsync(groupId, "hello");
        var (_, benSees) = await ben.OnA.GroupHistoryAsync(groupId);
        Assert.Contains(benSees!.Items, m => m.Id == fromAnn.Id);
        Assert.Contains((await ann.OnB.GroupHistoryAsync(groupId)).Page!.Items, m => m.Id == fromBen.Id);
    }

    [Fact]
    public async Task Edits_deletes_and_reactions_reach_every_member_each_with_their_own_mine_and_events_never_change()
    {
        using var ann = await NewPersonAsync("Ann Changes");
        using var ben = await NewPersonAsync("Ben Changes");
        using var cat = await NewPersonAsync("Cat Changes");
        var groupId = await ann.OnA.NewGroupAsync("Changes", ben.Id, cat.Id);
        await using var benLive = await LiveClient.ConnectAsync(ReplicaB, ben.Token);
        await using var catLive = await LiveClient.ConnectAsync(ReplicaA, cat.Token);
        var message = await ann.OnA.SentToGroupAsync(groupId, "first draft");

        using (var edit = await ann.OnB.Http.PatchAsJsonAsync($"/api/messages/{message.Id}", new { text = "final" }))
        {
            Assert.Equal(HttpStatusCode.OK, edit.StatusCode);
        }
        await catLive.WaitForAsync<GroupMessageDto>("MessageUpdated", m => m.Id == message.Id && m.Text == "final");
        Assert.Equal(HttpStatusCode.NotFound, (await ben.OnA.Http.PatchAsJsonAsync($"/api/messages/{message.Id}", new { text = "mine" })).StatusCode);

        var reacted = await benLive.Connection.InvokeAsync<ReactedDto>("React", message.Id, "🎉", true);
        Assert.Equal([new ReactionDto("🎉", 1, true)], reacted.Reactions);
        await benLive.WaitForAsync<ReactedDto>("MessageUpdated", m => m.Id == message.Id && m.Reactions.SequenceEqual([new ReactionDto("🎉", 1, true)]));
        await catLive.WaitForAsync<ReactedDto>("MessageUpdated", m => m.Id == message.Id && m.Reactions.SequenceEqual([new ReactionDto("🎉", 1, false)]));

        var created = (await cat.OnA.GroupHistoryAsync(groupId)).Page!.Items[0];
        Assert.Equal(HttpStatusCode.BadRequest, (await ann.OnA.Http.PatchAsJsonAsync($"/api/messages/{created.Id}", new { text = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await ann.OnA.Http.DeleteAsync($"/api/messages/{created.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await cat.OnA.Http.PutAsync($"/api/messages/{created.Id}/reactions/%F0%9F%91%8D", null)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await ann.OnA.Http.DeleteAsync($"/api/messages/{message.Id}")).StatusCode);
        await benLive.WaitForAsync<GroupMessageDto>("MessageUpdated", m => m.Id == message.Id && m.Deleted && m.Text == null);
    }

    [Fact]
    public async Task The_member_limit_holds_when_creating_and_when_adding()
    {
        var max = ClusterFixture.GroupMaxMembers;
        var people = await Task.WhenAll(Enumerable.Range(0, max + 1).Select(i => NewPersonAsync($"Limit {i}")));
        try
        {
            var owner = people[0];
            Assert.Equal(HttpStatusCode.BadRequest, (await owner.OnA.CreateGroupAsync("Too many", people.Skip(1).Select(p => p.Id).ToArray())).Status);
            var groupId = await owner.OnA.NewGroupAsync("Full", people.Skip(1).Take(max - 2).Select(p => p.Id).ToArray());
            Assert.Equal(HttpStatusCode.Conflict, await owner.OnA.AddMembersAsync(groupId, people[max - 1].Id, people[max].Id));
            Assert.Equal(HttpStatusCode.OK, await owner.OnA.AddMembersAsync(groupId, people[max - 1].Id, people[1].Id)); // one new, one already in
            Assert.Equal(max, (await owner.OnB.GroupAsync(groupId)).Group!.Group.MemberCount);
            Assert.Equal(HttpStatusCode.Conflict, await owner.OnB.AddMembersAsync(groupId, people[max].Id));
        }
        finally
        {
            foreach (var person in people) person.Dispose();
        }
    }

    [Fact]
    public async Task Renaming_tells_every_member_their_own_view_of_the_group()
    {
        using var ann = await NewPersonAsync("Ann Rename");
        using var ben = await NewPersonAsync("Ben Rename");
        var groupId = await ann.OnA.NewGroupAsync("Old name", ben.Id);
        await using var annLive = await LiveClient.ConnectAsync(ReplicaB, ann.Token);
        await using var benLive = await LiveClient.ConnectAsync(ReplicaA, ben.Token);

        Assert.Equal(HttpStatusCode.OK, await ann.OnA.RenameGroupAsync(groupId, "New name"));
        Assert.Equal("owner", (await annLive.WaitForAsync<GroupChangedDto>("GroupChanged", g => g.Group.Name == "New name")).Group.MyRole);
        Assert.Equal("member", (await benLive.WaitForAsync<GroupChangedDto>("GroupChanged", g => g.Group.Name == "New name")).Group.MyRole);
        await benLive.WaitForAsync<GroupMessageDto>("MessageReceived", m => m.Event is { Type: "renamed", Name: "New name" });
    }

    [Fact]
    public async Task An_admin_gives_the_group_a_public_photo_and_a_member_cannot()
    {
        using var ann = await NewPersonAsync("Ann Photo");
        using var ben = await NewPersonAsync("Ben Photo");
        var groupId = await ann.OnA.NewGroupAsync("Photo group", ben.Id);
        static MultipartFormDataContent Photo() =>
            new() { { new ByteArrayContent(TestImages.Jpeg()) { Headers = { ContentType = new("image/jpeg") } }, "file", "g.jpg" } };

        using (var refused = await ben.OnB.Http.PutAsync($"/api/groups/{groupId}/avatar", Photo()))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }
        using var set = await ann.OnB.Http.PutAsync($"/api/groups/{groupId}/avatar", Photo());
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        var info = await set.Content.ReadFromJsonAsync<GroupInfoDto>(ChatApiClient.Json);
        using var anonymous = new HttpClient { BaseAddress = ReplicaA };
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(info!.AvatarUrl)).StatusCode); // avatars are public
        Assert.Equal(info.AvatarUrl, (await ben.OnA.GroupAsync(groupId)).Group!.Group.AvatarUrl);
        Assert.Equal("avatar", (await ben.OnA.GroupHistoryAsync(groupId)).Page!.Items[^1].Event!.Type);
    }

    private static string Describe(GroupEventDto? e) => e is null ? "" : $"{e.Type} {e.ActorId} [{string.Join(",", e.UserIds)}] {e.Name}";

    private sealed record SearchHitDto(GroupMessageDto Message, ContactDto? Peer, GroupInfoDto? Group);

    private sealed record SearchDto(List<SearchHitDto> Items, string? Next);

    private sealed record MediaIdDto(string Id);

    private sealed record ReactionDto(string Emoji, int Count, bool Mine);

    private sealed record ReactedDto(string Id, List<ReactionDto> Reactions);
}

internal static class PairMentions
{
    /// <summary>A pair's send with mentions (refused: mentions are for groups).</summary>
    public static async Task<(HttpStatusCode Status, string Body)> SendMentionToPairAsync(this ChatApiClient client, string peerId)
    {
        using var response = await client.Http.PostAsJsonAsync($"/api/conversations/{peerId}/messages",
            new { clientMessageId = Guid.NewGuid().ToString(), text = "hi", mentions = new[] { peerId } });
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}

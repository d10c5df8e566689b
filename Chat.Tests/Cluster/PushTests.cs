using Chat.LoadTest.Push;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Chat.Tests.Support;

namespace Chat.Tests.Cluster;

/// <summary>
/// Web Push through the cluster to the tests' push service, which checks each request as a real
/// push service does (VAPID, TTL, aes128gcm) and keeps what it accepted; the tests decrypt with
/// the keys their "browser" made. A device is a session: closed (no live connection on any
/// replica) it gets one push per message, with ids and no text; open, none.
/// </summary>
[Collection(ClusterCollection.Name)]
public class PushTests(ClusterFixture cluster)
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(15);
    private PushServiceStandIn PushService => cluster.PushService;

    /// <summary>A person's device: its own session (log-in), its browser keys and its endpoint at the push service.</summary>
    private sealed record Device(ChatApiClient Api, PushReceiver Keys, string Endpoint) : IDisposable
    {
        public void Dispose()
        {
            Api.Dispose();
            Keys.Dispose();
        }
    }

    private async Task<Device> NewDeviceAsync(ReplicaPerson person, Uri replica, bool subscribe = true)
    {
        var api = ChatApiClient.For(replica);
        using (var login = await api.LogInAsync(person.User.Email, "correct horse")) login.EnsureSuccessStatusCode();
        var device = new Device(api, new PushReceiver(), PushService.NewEndpoint());
        if (subscribe) Assert.Equal(HttpStatusCode.NoContent, await api.SubscribeAsync(device.Endpoint, device.Keys));
        return device;
    }

    private static async Task<MessageDto> SentAsync(ChatApiClient from, string peerId, string text)
    {
        var (response, message) = await from.SendAsync(peerId, text);
        using (response) Assert.True(response.IsSuccessStatusCode, $"send: {response.StatusCode}");
        return message!;
    }

    private PushPayloadDto Open(Device device, PushServiceStandIn.Delivery delivery) =>
        JsonSerializer.Deserialize<PushPayloadDto>(device.Keys.Decrypt(delivery.Body), ChatApiClient.Json)!;

    [Fact]
    public async Task A_message_to_a_closed_device_arrives_once_with_its_ids_and_never_its_text()
    {
        using var ann = await ReplicaPerson.SignUpAsync(cluster, "Ann Push");
        using var ben = await ReplicaPerson.SignUpAsync(cluster, "Ben Push");
        using var phone = await NewDeviceAsync(ann, cluster.ApiReplicas[1]);

        var message = await SentAsync(ben.OnA, ann.Id, "the secret plans for Tuesday");

        var delivery = Assert.Single(await PushService.WaitForAsync(phone.Endpoint, 1, Within));
        Assert.Equal(new PushPayloadDto(message.ConversationId, message.Seq, "message"), Open(phone, delivery));
        var plaintext = Encoding.UTF8.GetString(phone.Keys.Decrypt(delivery.Body));
        Assert.DoesNotContain("secret", plaintext);
        Assert.DoesNotContain("secret", Encoding.UTF8.GetString(delivery.Body));
        // A day at the push service; one topic per conversation (collapsing), not the ids themselves; a pair is urgent.
        Assert.Equal(("86400", "high"), (delivery.Ttl, delivery.Urgency));
        Assert.Matches("^[A-Za-z0-9_-]{1,32}$", delivery.Topic!);
        Assert.DoesNotContain(ann.Id, delivery.Topic!);
        var key = await ann.OnA.Http.GetFromJsonAsync<PushKeyDto>("/api/push/key", ChatApiClient.Json);
        Assert.Equal(key!.PublicKey, delivery.VapidKey);

        // The second message collapses into the same topic, and the first was not pushed twice.
        var second = await SentAsync(ben.OnB, ann.Id, "and one more");
        var both = await PushService.WaitForAsync(phone.Endpoint, 2, Within);
        Assert.Equal([message.Seq, second.Seq], both.Select(d => Open(phone, d).Seq));
        Assert.Equal(delivery.Topic, both[1].Topic);
        await Task.Delay(500);
        Assert.Equal(2, PushService.AcceptedFor(phone.Endpoint).Count);
        Assert.Empty(PushService.Refusals);
    }

    [Fact]
    public async Task A_device_with_a_live_connection_gets_no_push_while_the_closed_ones_do()
    {
        using var ann = await ReplicaPerson.SignUpAsync(cluster, "Ann Live");
        using var ben = await ReplicaPerson.SignUpAsync(cluster, "Ben Live");
        using var laptop = await NewDeviceAsync(ann, cluster.ApiReplicas[0]);
        using var phone = await NewDeviceAsync(ann, cluster.ApiReplicas[1]);
        var devices = await laptop.Api.PushDevicesAsync();
        Assert.Equal(2, devices.Count);
        Assert.Single(devices, d => d.Current);

        // The laptop's tab is open on the other replica than the sender's.
        await using (var tab = await LiveClient.ConnectAsync(cluster.ApiReplicas[1], laptop.Api.SessionToken!))
        {
            var first = await SentAsync(ben.OnA, ann.Id, "are you there?");
            await tab.WaitForAsync<MessageDto>("MessageReceived", m => m.Id == first.Id);
            Assert.Single(await PushService.WaitForAsync(phone.Endpoint, 1, Within));
            await Task.Delay(300);
            Assert.Empty(PushService.AcceptedFor(laptop.Endpoint));
        }

        // Tab closed: the laptop is reached too, as soon as the server has seen the tab close (no
        // offline grace for a device); a message sent in that moment still finds it live.
        var sent = new List<long>();
        var deadline = DateTime.UtcNow + Within;
        while (PushService.AcceptedFor(laptop.Endpoint).Count == 0 && DateTime.UtcNow < deadline)
        {
            sent.Add((await SentAsync(ben.OnA, ann.Id, "now?")).Seq);
            await PushService.WaitForAsync(laptop.Endpoint, 1, TimeSpan.FromMilliseconds(500));
        }
        var onLaptop = Assert.Single(PushService.AcceptedFor(laptop.Endpoint));
        Assert.Contains(Open(laptop, onLaptop).Seq, sent);
        Assert.True(sent.Count <= 3, $"the closed tab still counted as live after {sent.Count} messages");
    }

    [Fact]
    public async Task A_muted_conversation_pushes_nothing_on_any_device_but_a_mention_still_does()
    {
        using var ann = await ReplicaPerson.SignUpAsync(cluster, "Ann Mute");
        using var ben = await ReplicaPerson.SignUpAsync(cluster, "Ben Mute");
        using var cat = await ReplicaPerson.SignUpAsync(cluster, "Cat Mute");
        using var phone = await NewDeviceAsync(ann, cluster.ApiReplicas[1]);
        await SentAsync(ben.OnA, ann.Id, "hello");
        var group = await ben.OnA.NewGroupAsync("Mute crew", ann.Id, cat.Id);
        Assert.Single(await PushService.WaitForAsync(phone.Endpoint, 1, Within));

        // Muted on one device (the laptop's tab hears it live), it holds on the phone.
        await using var tab = await LiveClient.ConnectAsync(cluster.ApiReplicas[0], ann.Token);
        Assert.Equal(HttpStatusCode.NoContent, await ann.OnA.MuteAsync(ben.Id));
        Assert.Equal(HttpStatusCode.NoContent, await ann.OnB.MuteAsync(group));
        await tab.WaitForAsync<MuteChangedDto>("MuteChanged", m => m.ConversationId == group && m.Muted);
        var listed = await ann.OnB.AllConversationsAsync();
        Assert.True(listed.Single(c => c.Peer?.Id == ben.Id).Muted);
        Assert.True(listed.Single(c => c.Id == group).Muted);

        await SentAsync(ben.OnA, ann.Id, "muted pair");
        await ben.OnA.SentToGroupAsync(group, "muted group");
        var mention = await ben.OnA.SentToGroupAsync(group, "@Ann look", mentions: [ann.Id]);
        // Sent after the muted ones, from the same replica: once it is here, they were decided.
        var pushes = await PushService.WaitForAsync(phone.Endpoint, 2, Within);
        await Task.Delay(300);
        Assert.Equal(2, PushService.AcceptedFor(phone.Endpoint).Count);
        Assert.Equal(new PushPayloadDto(group, mention.Seq, "mention"), Open(phone, pushes[1]));
        Assert.Equal("high", pushes[1].Urgency);

        // Unmuted, it pushes again.
        Assert.Equal(HttpStatusCode.NoContent, await ann.OnA.MuteAsync(ben.Id, muted: false));
        var again = await SentAsync(ben.OnB, ann.Id, "unmuted");
        Assert.Equal(again.Seq, Open(phone, (await PushService.WaitForAsync(phone.Endpoint, 3, Within))[2]).Seq);
        Assert.False((await ann.OnA.AllConversationsAsync()).Single(c => c.Peer?.Id == ben.Id).Muted);

        // A plain group message is not urgent: no Urgency header, RFC 8030's default "normal".
        Assert.Equal(HttpStatusCode.NoContent, await ann.OnA.MuteAsync(group, muted: false));
        await ben.OnA.SentToGroupAsync(group, "normal");
        Assert.Null((await PushService.WaitForAsync(phone.Endpoint, 4, Within))[3].Urgency);
    }

    [Fact]
    public async Task A_push_service_answer_of_410_ends_the_device_and_429_is_retried_after_its_wait()
    {
        using var ann = await ReplicaPerson.SignUpAsync(cluster, "Ann Gone");
        using var ben = await ReplicaPerson.SignUpAsync(cluster, "Ben Gone");
        using var phone = await NewDeviceAsync(ann, cluster.ApiReplicas[0]);
        using var tablet = await NewDeviceAsync(ann, cluster.ApiReplicas[1]);
        PushService.AnswerNext(phone.Endpoint, 410);
        PushService.AnswerNext(tablet.Endpoint, 429, 503);

        var message = await SentAsync(ben.OnA, ann.Id, "still there?");

        // The tablet's push service was busy twice: the push arrives once, after its Retry-After and a back-off.
        var delivered = Assert.Single(await PushService.WaitForAsync(tablet.Endpoint, 1, TimeSpan.FromSeconds(30)));
        Assert.Equal(message.Seq, Open(tablet, delivered).Seq);
        // The phone's subscription is gone, here and for the next message.
        var deadline = DateTime.UtcNow + Within;
        while ((await ann.OnA.PushDevicesAsync()).Count != 1 && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.Single(await ann.OnB.PushDevicesAsync());
        await SentAsync(ben.OnA, ann.Id, "hello?");
        await PushService.WaitForAsync(tablet.Endpoint, 2, Within);
        Assert.Empty(PushService.AcceptedFor(phone.Endpoint));
    }

    [Fact]
    public async Task Logging_out_ends_that_devices_pushes_and_logging_out_everywhere_ends_all()
    {
        using var ann = await ReplicaPerson.SignUpAsync(cluster, "Ann Out");
        using var ben = await ReplicaPerson.SignUpAsync(cluster, "Ben Out");
        using var phone = await NewDeviceAsync(ann, cluster.ApiReplicas[0]);
        using var tablet = await NewDeviceAsync(ann, cluster.ApiReplicas[1]);

        using (var logout = await phone.Api.Http.PostAsync("/api/auth/logout", null)) Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        Assert.Single(await tablet.Api.PushDevicesAsync());
        await SentAsync(ben.OnA, ann.Id, "one");
        Assert.Single(await PushService.WaitForAsync(tablet.Endpoint, 1, Within));
        Assert.Empty(PushService.AcceptedFor(phone.Endpoint));

        using (var everywhere = await ann.OnA.Http.PostAsync("/api/auth/logout-all", null)) Assert.True(everywhere.IsSuccessStatusCode);
        using var fresh = ChatApiClient.For(cluster.ApiReplicas[1]);
        using (var login = await fresh.LogInAsync(ann.User.Email, "correct horse")) login.EnsureSuccessStatusCode();
        Assert.Empty(await fresh.PushDevicesAsync());
        await SentAsync(ben.OnB, ann.Id, "two");
        await Task.Delay(1000);
        Assert.Single(PushService.AcceptedFor(tablet.Endpoint));
    }

    [Fact]
    public async Task Subscriptions_are_refused_off_the_push_services_over_the_device_limit_and_for_others_conversations()
    {
        using var ann = await ReplicaPerson.SignUpAsync(cluster, "Ann Refused");
        using var ben = await ReplicaPerson.SignUpAsync(cluster, "Ben Refused");
        using var keys = new PushReceiver();

        using (var anonymous = ChatApiClient.For(cluster.WebEndpoint))
        {
            var key = await anonymous.Http.GetFromJsonAsync<PushKeyDto>("/api/push/key", ChatApiClient.Json);
            Assert.Equal(65, Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlDecode(key!.PublicKey).Length);
            using var refused = await anonymous.Http.PutAsJsonAsync("/api/push/subscriptions", new { endpoint = PushService.NewEndpoint() });
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        foreach (var foreign in new[] { "https://push.evil.example/x", $"http://127.0.0.1:{PushService.Origin.Port + 1}/push/x", "http://localhost:6379/" })
        {
            Assert.Equal(HttpStatusCode.BadRequest, await ann.OnA.SubscribeAsync(foreign, keys));
        }
        using (var response = await ann.OnA.Http.PutAsJsonAsync("/api/push/subscriptions", new { endpoint = "https://evil.example/", keys = new { p256dh = "x", auth = "y" } }))
        {
            var problem = await response.Content.ReadFromJsonAsync<ProblemDto>(ChatApiClient.Json);
            Assert.Equal(["endpoint", "keys.auth", "keys.p256dh"], problem!.Errors!.Keys.Order());
        }

        // Five devices at most; the same endpoint again is the same device.
        var endpoints = Enumerable.Range(0, 5).Select(_ => PushService.NewEndpoint()).ToList();
        foreach (var endpoint in endpoints) Assert.Equal(HttpStatusCode.NoContent, await ann.OnA.SubscribeAsync(endpoint, keys));
        Assert.Equal(HttpStatusCode.NoContent, await ann.OnB.SubscribeAsync(endpoints[0], keys));
        Assert.Equal(HttpStatusCode.Conflict, await ann.OnB.SubscribeAsync(PushService.NewEndpoint(), keys));

        // Turning one off (by its endpoint, or by its id in the list) frees a place; someone else cannot turn it off.
        using (var byEndpoint = new HttpRequestMessage(HttpMethod.Delete, "/api/push/subscriptions") { Content = JsonContent.Create(new { endpoint = endpoints[1] }) })
        using (var unsubscribed = await ann.OnA.Http.SendAsync(byEndpoint))
        {
            Assert.Equal(HttpStatusCode.NoContent, unsubscribed.StatusCode);
        }
        Assert.Equal(4, (await ann.OnA.PushDevicesAsync()).Count);
        var device = (await ann.OnA.PushDevicesAsync())[0];
        using (var theirs = await ben.OnA.Http.DeleteAsync($"/api/push/subscriptions/{device.Id}")) Assert.Equal(HttpStatusCode.NotFound, theirs.StatusCode);
        using (var mine = await ann.OnB.Http.DeleteAsync($"/api/push/subscriptions/{device.Id}")) Assert.Equal(HttpStatusCode.NoContent, mine.StatusCode);
        Assert.Equal(3, (await ann.OnA.PushDevicesAsync()).Count);
        Assert.Equal(HttpStatusCode.NoContent, await ann.OnB.SubscribeAsync(PushService.NewEndpoint(), keys));

        // Mute is for one's own conversations.
        using var cat = await ReplicaPerson.SignUpAsync(cluster, "Cat Refused");
        var theirGroup = await ben.OnA.NewGroupAsync("Not Ann's", cat.Id);
        Assert.Equal(HttpStatusCode.NotFound, await ann.OnA.MuteAsync(theirGroup));
        Assert.Equal(HttpStatusCode.NotFound, await ann.OnA.MuteAsync("0123456789abcdef01234567"));
        Assert.Equal(HttpStatusCode.BadRequest, await ann.OnA.MuteAsync(ann.Id));
    }
}

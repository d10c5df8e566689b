using Chat.LoadTest.Push;
using System.Text.Json;
using Chat.Api.Identity;
using Chat.Api.Push;
using Chat.Tests.Support;
using Lib.Net.Http.WebPush;
using Lib.Net.Http.WebPush.Authentication;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace Chat.Tests.Unit.Api;

/// <summary>
/// Web Push's cryptography, proved twice: the tests' own receiver (written from RFC 8291) opens the
/// RFC's appendix vector, then opens what the server's library sends through the tests' push
/// service, which checks the VAPID JWT as a real one does.
/// </summary>
public class WebPushTests
{
    [Fact]
    public void The_receiver_decrypts_the_RFC_8291_appendix_vector()
    {
        using var receiver = PushReceiver.From("q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94", "BTBZMqHH6r4Tts7J_aSIgg");
        Assert.Equal("BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4", receiver.P256dh);

        var body = WebEncoders.Base64UrlDecode(
            "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN");
        Assert.Equal("When I grow up, I want to be a watermelon", receiver.DecryptText(body));

        // One flipped bit and it does not authenticate.
        body[^1] ^= 1;
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => receiver.DecryptText(body));
    }

    [Fact]
    public async Task The_library_leaves_the_port_out_of_the_VAPID_audience()
    {
        // Why PushDispatcher signs each request for the endpoint's whole origin itself (RFC 8292 §2).
        await using var pushService = await PushServiceStandIn.StartAsync();
        var (endpoint, receiver, subscription, vapid) = Subscribe(pushService);
        using (receiver) using (vapid)
        {
            await Assert.ThrowsAsync<PushServiceClientException>(() => new PushServiceClient().RequestPushMessageDeliveryAsync(
                subscription, new PushMessage("x") { TimeToLive = 60 }, vapid, VapidAuthenticationScheme.Vapid));
            Assert.Contains(pushService.Refusals, r => r.Contains("aud http://127.0.0.1 is not this origin", StringComparison.Ordinal));
            Assert.Empty(pushService.AcceptedFor(endpoint));
        }
    }

    [Fact]
    public async Task The_library_sends_what_a_push_service_accepts_and_only_the_device_can_read()
    {
        await using var pushService = await PushServiceStandIn.StartAsync();
        var (endpoint, receiver, subscription, vapid) = Subscribe(pushService);
        using (receiver) using (vapid)
        {
            using var http = new HttpClient(new VapidAudienceHandler(vapid) { InnerHandler = new HttpClientHandler() });
            await new PushServiceClient(http).RequestPushMessageDeliveryAsync(subscription,
                new PushMessage("""{"conversationId":"c","seq":7,"kind":"message"}""") { TimeToLive = 86400, Topic = "abc_-123", Urgency = PushMessageUrgency.High },
                vapid, VapidAuthenticationScheme.Vapid);

            Assert.True(pushService.Refusals.Count == 0, string.Join("; ", pushService.Refusals));
            var delivery = Assert.Single(pushService.AcceptedFor(endpoint));
            Assert.Equal(vapid.PublicKey, delivery.VapidKey);
            Assert.Equal(("86400", "abc_-123", "high"), (delivery.Ttl, delivery.Topic, delivery.Urgency));
            Assert.Equal("mailto:ops@chat.example", delivery.Claims.GetProperty("sub").GetString());
            using var payload = JsonDocument.Parse(receiver.Decrypt(delivery.Body));
            Assert.Equal(7, payload.RootElement.GetProperty("seq").GetInt64());

            // Someone else's keys cannot read it.
            using var stranger = new PushReceiver();
            Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => stranger.Decrypt(delivery.Body));
        }
    }

    private static (string Endpoint, PushReceiver Receiver, PushSubscription Subscription, VapidAuthentication Vapid) Subscribe(PushServiceStandIn pushService)
    {
        var receiver = new PushReceiver();
        var keys = new VapidKeys(Options.Create(new PushOptions { VapidKey = new string('v', 64) }));
        var endpoint = pushService.NewEndpoint();
        var subscription = new PushSubscription { Endpoint = endpoint };
        subscription.SetKey(PushEncryptionKeyName.P256DH, receiver.P256dh);
        subscription.SetKey(PushEncryptionKeyName.Auth, receiver.Auth);
        return (endpoint, receiver, subscription, new VapidAuthentication(keys.PublicKey, keys.PrivateKey) { Subject = "mailto:ops@chat.example" });
    }

    [Fact]
    public void The_VAPID_key_pair_is_derived_from_the_secret_alike_on_every_replica()
    {
        var one = new VapidKeys(Options.Create(new PushOptions { VapidKey = "the same secret" }));
        var two = new VapidKeys(Options.Create(new PushOptions { VapidKey = "the same secret" }));
        var other = new VapidKeys(Options.Create(new PushOptions { VapidKey = "another secret" }));

        Assert.Equal(one.PublicKey, two.PublicKey);
        Assert.NotEqual(one.PublicKey, other.PublicKey);
        Assert.Equal(65, WebEncoders.Base64UrlDecode(one.PublicKey!).Length);
        Assert.Null(new VapidKeys(Options.Create(new PushOptions())).PublicKey);
    }

    [Theory]
    [InlineData("https://fcm.googleapis.com/fcm/send/abc:def", true)]
    [InlineData("https://updates.push.services.mozilla.com/wpush/v2/gAAAA", true)]
    [InlineData("https://web.push.apple.com/QGuQyavXutnMH", true)]
    [InlineData("https://wns2-par02p.notify.windows.com/w/?token=x", true)]
    [InlineData("http://127.0.0.1:5999/push/a", true)] // named in AllowedHosts below
    [InlineData("https://127.0.0.1:5999/push/a", true)]
    [InlineData("http://fcm.googleapis.com/fcm/send/abc", false)] // not https
    [InlineData("https://fcm.googleapis.com:8443/fcm/send/abc", false)] // another port
    [InlineData("https://fcm.googleapis.com.evil.example/x", false)]
    [InlineData("https://evilfcm.googleapis.com/x", false)]
    [InlineData("https://notify.windows.com/x", false)] // the wildcard needs a subdomain
    [InlineData("https://user@fcm.googleapis.com/x", false)]
    [InlineData("http://127.0.0.1:6000/push/a", false)] // loopback, but not named
    [InlineData("http://169.254.169.254/latest/meta-data", false)] // the cloud's metadata service
    [InlineData("http://localhost:5999/push/a", false)]
    [InlineData("file:///etc/passwd", false)]
    [InlineData("/push/a", false)]
    [InlineData("", false)]
    public void Only_https_push_services_and_named_loopback_hosts_are_endpoints(string endpoint, bool allowed)
    {
        var endpoints = new PushEndpoints(Options.Create(new PushOptions { AllowedHosts = ["127.0.0.1:5999"] }));
        Assert.Equal(allowed, endpoints.IsAllowed(endpoint));
    }

    [Theory]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome on Linux")]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", "Edge on Windows")]
    [InlineData("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15", "Safari on macOS")]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1", "Safari on iOS")]
    [InlineData("Mozilla/5.0 (Android 15; Mobile; rv:132.0) Gecko/132.0 Firefox/132.0", "Firefox on Android")]
    [InlineData("curl/8.5.0", "A browser")]
    [InlineData(null, "A browser")]
    public void A_device_is_named_by_its_browser_and_system(string? userAgent, string name) =>
        Assert.Equal(name, DeviceNames.Describe(userAgent));
}

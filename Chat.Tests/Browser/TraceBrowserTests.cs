using Chat.Tests.Cluster;
using Chat.Tests.Support;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;
using Span = Chat.Tests.Support.TraceCollector.ReceivedSpan;

namespace Chat.Tests.Browser;

/// <summary>
/// One send as one trace, from the sender's browser through the web front and an API replica to
/// the recipient's browser: what the dashboard shows for "where did my message's time go?".
/// The spans are read where the cluster exports them (the tests' OTLP collector, in the
/// dashboard's place), browsers' included, which the API relays.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class TraceBrowserTests(ClusterFixture cluster, BrowserFixture browsers, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    private async Task<(BrowserPerson Ann, BrowserPerson Bob)> TalkingAsync()
    {
        var ann = await BrowserPerson.SignUpAsync(cluster, browsers, "Ann");
        var bob = await BrowserPerson.SignUpAsync(cluster, browsers, "Bob");
        await ann.Page.OpenConversationWithAsync(bob.Name);
        await bob.Page.OpenConversationWithAsync(ann.Name);
        return (ann, bob);
    }

    private static async Task<string> LastMessageIdAsync(BrowserPerson person, string peerId) =>
        (await person.Api.HistoryAsync(peerId)).Items.MaxBy(m => m.Seq)!.Id;

    [Fact]
    public async Task An_image_sent_is_one_trace_from_the_senders_click_through_the_front_and_a_replica_to_the_recipients_screen()
    {
        var (ann, bob) = await TalkingAsync();
        await ann.Page.AttachAsync("sunset.png", TestImages.Png(300, 200), "image/png");
        await ann.Page.Composer.FillAsync("Look at this");
        await ann.Page.Composer.PressAsync("Enter");
        await Expect(bob.Page.Message("Look at this")).ToBeVisibleAsync();
        var messageId = await LastMessageIdAsync(ann, bob.Id);

        // The trace is whole once the recipient's "message shown" has arrived too.
        var trace = await WaitForTraceAsync(messageId, ("web-client", "send message"), ("web-client", "upload image"), ("web-client", "hub invoke"),
            ("web", "POST /api/media/"), ("api-", "send message"), ("web-client", "message shown"));
        foreach (var span in trace.OrderBy(s => s.Span.Start)) output.WriteLine($"{span.Span.Start:HH:mm:ss.fff} {span.Service,-10} {span.Span.Name} ({(span.Span.End - span.Span.Start).TotalMilliseconds:F1} ms)");

        Span One(string service, string name) => Assert.Single(trace, s => s.Service.StartsWith(service, StringComparison.Ordinal) && s.Span.Name == name);
        var send = One("web-client", "send message");
        var upload = One("web-client", "upload image");
        var invoke = One("web-client", "hub invoke");
        var stored = One("api-", "send message");
        var shown = One("web-client", "message shown");

        // Sender's browser: the send is the root; its steps are its children.
        Assert.Null(send.Span.ParentSpanId);
        Assert.Equal(messageId, send.Span.Attributes["chat.message.id"]);
        Assert.All(new[] { upload, invoke }, step => Assert.Equal(send.Span.SpanId, step.Span.ParentSpanId));
        // The upload went through the web front (its server span under the browser's) to a replica.
        var front = Assert.Single(trace, s => s.Service == "web" && s.Span.ParentSpanId == upload.Span.SpanId);
        Assert.Contains(trace, s => s.Service.StartsWith("api-", StringComparison.Ordinal) && IsDescendant(trace, s, front));
        // The hub call carried the context to the replica that stored the message…
        Assert.Equal(invoke.Span.SpanId, stored.Span.ParentSpanId);
        Assert.Equal(messageId, stored.Span.Attributes["chat.message.id"]);
        // …and the message carried it to the recipient, where it was drawn in the open conversation.
        Assert.Equal(stored.Span.SpanId, shown.Span.ParentSpanId);
        Assert.Equal(messageId, shown.Span.Attributes["chat.message.id"]);
        Assert.Equal("rendered", shown.Span.Attributes["chat.message.outcome"]);
        // In causal order (one machine, one clock; a millisecond of rounding between processes).
        var slack = TimeSpan.FromMilliseconds(1);
        Assert.True(send.Span.Start <= upload.Span.Start && upload.Span.Start <= front.Span.Start + slack);
        Assert.True(upload.Span.End <= invoke.Span.Start + slack && invoke.Span.Start <= stored.Span.Start + slack);
        Assert.True(stored.Span.Start <= shown.Span.Start + slack && invoke.Span.End <= send.Span.End + slack);
    }

    [Fact]
    public async Task A_send_the_browser_samples_out_leaves_no_span_anywhere_while_the_reply_it_gets_is_traced_on_both_sides()
    {
        var (ann, bob) = await TalkingAsync();
        // Ann's browser samples out everything it starts (the override a person can set).
        await ann.Page.Page.EvaluateAsync("() => localStorage.setItem('chat.telemetry.sampleRatio', '0')");
        await ann.Page.Page.ReloadAsync();
        await Expect(ann.Page.Conversation).ToBeVisibleAsync();

        await ann.Page.SendAsync("Sampled out hello");
        await Expect(bob.Page.Message("Sampled out hello")).ToBeVisibleAsync();
        var untraced = await LastMessageIdAsync(ann, bob.Id);

        // Bob samples his reply; the cluster records it and Ann's browser honours that for her side.
        await bob.Page.SendAsync("A reply on record");
        await Expect(ann.Page.Message("A reply on record")).ToBeVisibleAsync();
        var reply = await LastMessageIdAsync(bob, ann.Id);
        await WaitForTraceAsync(reply, ("web-client", "send message"), ("api-", "send message"), ("web-client", "message shown"));

        // Ann's browser exported after her send (her "message shown" of the reply came later):
        // nothing of her send reached the collector, from her browser, the replicas or Bob's.
        Assert.DoesNotContain(cluster.Traces.Spans, s => s.Span.Attributes.GetValueOrDefault("chat.message.id") == untraced);
    }

    private static bool IsDescendant(IReadOnlyList<Span> trace, Span span, Span ancestor)
    {
        for (var current = span; current.Span.ParentSpanId is { } parent;)
        {
            if (parent == ancestor.Span.SpanId) return true;
            if (trace.FirstOrDefault(s => s.Span.SpanId == parent) is not { } next) return false;
            current = next;
        }
        return false;
    }

    /// <summary>The trace of this message once it holds a span of each (service, or its prefix; name) (exporters send in batches).</summary>
    private async Task<IReadOnlyList<Span>> WaitForTraceAsync(string messageId, params (string Service, string Name)[] expected)
    {
        bool whole(IReadOnlyList<Span> spans) =>
            expected.All(e => spans.Any(s => s.Service.StartsWith(e.Service, StringComparison.Ordinal) && s.Span.Name == e.Name));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var traceId = cluster.Traces.Spans.FirstOrDefault(s => s.Span.Attributes.GetValueOrDefault("chat.message.id") == messageId)?.Span.TraceId;
            var trace = traceId is null ? [] : cluster.Traces.Trace(traceId);
            if (trace.Count > 0 && whole(trace)) return trace;
            if (DateTime.UtcNow > deadline)
            {
                var recent = cluster.Traces.Spans.Where(s => s.Span.Start > DateTime.UtcNow.AddSeconds(-60) && !s.Service.StartsWith("api-", StringComparison.Ordinal) && s.Service != "web")
                    .Select(s => $"{s.Service}:{s.Span.Name}[{string.Join(' ', s.Span.Attributes.Select(a => $"{a.Key}={a.Value}"))}]");
                throw new TimeoutException($"The trace of message {messageId} was not whole within 30 s: {string.Join(", ", trace.Select(s => $"{s.Service}:{s.Span.Name}"))}; browser spans of the last minute: {string.Join(", ", recent)}");
            }
            await Task.Delay(250);
        }
    }
}

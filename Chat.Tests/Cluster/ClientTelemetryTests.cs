using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.Tests.Support;

namespace Chat.Tests.Cluster;

/// <summary>
/// The web client's trace exports, through the web front as a browser sends them: relayed to the
/// cluster's OTLP endpoint (here the tests' collector) from a signed-in session, refused otherwise.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClientTelemetryTests(ClusterFixture cluster)
{
    private static HttpContent Export(byte[] body, string contentType = "application/x-protobuf")
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return content;
    }

    private static byte[] BrowserSpan(out string traceId)
    {
        traceId = OtlpExport.NewTraceId();
        return OtlpExport.Of("web-client", (traceId, OtlpExport.NewSpanId(), "send message"));
    }

    [Fact]
    public async Task A_signed_in_sessions_export_reaches_the_clusters_OTLP_endpoint_and_its_settings_say_how_much_to_sample()
    {
        using var api = ChatApiClient.For(cluster.WebEndpoint);
        await api.NewUserAsync();

        var settings = await api.Http.GetFromJsonAsync<JsonElement>("/api/telemetry/settings");
        Assert.Equal(1.0, settings.GetProperty("sampleRatio").GetDouble());

        using var response = await api.Http.PostAsync("/api/telemetry/traces", Export(BrowserSpan(out var traceId)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-protobuf", response.Content.Headers.ContentType?.MediaType);
        var relayed = await Eventually(() => cluster.Traces.Trace(traceId));
        Assert.Equal(("web-client", "send message"), (relayed.Single().Service, relayed.Single().Span.Name));
    }

    [Fact]
    public async Task Exports_without_a_session_of_another_service_not_OTLP_or_over_the_size_limit_are_refused_and_relay_nothing()
    {
        using var anonymous = ChatApiClient.For(cluster.WebEndpoint);
        var anonymousExport = BrowserSpan(out var anonymousTrace);
        using (var response = await anonymous.Http.PostAsync("/api/telemetry/traces", Export(anonymousExport)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        using (var response = await anonymous.Http.GetAsync("/api/telemetry/settings")) Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);

        using var api = ChatApiClient.For(cluster.WebEndpoint);
        await api.NewUserAsync();
        var forgedTrace = OtlpExport.NewTraceId();
        var refusals = new (HttpContent Body, HttpStatusCode Status)[]
        {
            // A browser passing spans off as a replica's.
            (Export(OtlpExport.Of("api-1", (forgedTrace, OtlpExport.NewSpanId(), "send message"))), HttpStatusCode.BadRequest),
            (Export("not protobuf at all"u8.ToArray()), HttpStatusCode.BadRequest),
            (Export(BrowserSpan(out var jsonTrace), "application/json"), HttpStatusCode.UnsupportedMediaType),
            (Export(new byte[70 * 1024]), HttpStatusCode.RequestEntityTooLarge),
        };
        foreach (var (body, status) in refusals)
        {
            using var response = await api.Http.PostAsync("/api/telemetry/traces", body);
            Assert.Equal(status, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(problem.TryGetProperty("title", out _), $"{status} without a ProblemDetails");
        }

        // The one accepted after them is relayed; none of the refused ever was.
        var acceptedExport = BrowserSpan(out var acceptedTrace);
        using (var accepted = await api.Http.PostAsync("/api/telemetry/traces", Export(acceptedExport)))
        {
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }
        await Eventually(() => cluster.Traces.Trace(acceptedTrace));
        Assert.DoesNotContain(cluster.Traces.Spans, s => s.Span.TraceId == anonymousTrace || s.Span.TraceId == forgedTrace || s.Span.TraceId == jsonTrace);
    }

    [Fact]
    public async Task Each_session_has_its_own_export_rate()
    {
        using var api = ChatApiClient.For(cluster.WebEndpoint);
        var user = await api.NewUserAsync();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 61; i++)
        {
            using var response = await api.Http.PostAsync("/api/telemetry/traces", Export(BrowserSpan(out _)));
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) Assert.NotNull(response.Headers.RetryAfter);
        }
        Assert.Equal(60, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);

        // The same person's other session (another device) has a budget of its own.
        using var otherDevice = ChatApiClient.For(cluster.WebEndpoint);
        using (var login = await otherDevice.LogInAsync(user.Email, "correct horse")) login.EnsureSuccessStatusCode();
        using var other = await otherDevice.Http.PostAsync("/api/telemetry/traces", Export(BrowserSpan(out _)));
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task A_send_with_a_traceparent_that_does_not_parse_is_sent_all_the_same()
    {
        using var ann = ChatApiClient.For(cluster.WebEndpoint);
        await ann.NewUserAsync();
        using var bob = ChatApiClient.For(cluster.WebEndpoint);
        var bobUser = await bob.NewUserAsync();
        using var response = await ann.Http.PostAsJsonAsync($"/api/conversations/{bobUser.Id}/messages",
            new { clientMessageId = Guid.NewGuid().ToString(), text = "hello", traceparent = "00-not-a-trace-01" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    /// <summary>The collector's spans once there are some (exporters send in batches, every second or two).</summary>
    private static async Task<IReadOnlyList<TraceCollector.ReceivedSpan>> Eventually(Func<IReadOnlyList<TraceCollector.ReceivedSpan>> spans)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var found = spans();
            if (found.Count > 0) return found;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("No span arrived at the collector within 20 s.");
            await Task.Delay(200);
        }
    }
}

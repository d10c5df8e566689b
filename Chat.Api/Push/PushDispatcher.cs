using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Chat.Api.Contracts;
using Chat.Api.Presence;
using Lib.Net.Http.WebPush;
using Lib.Net.Http.WebPush.Authentication;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace Chat.Api.Push;

/// <summary>A stored message some people may need a push for; queued by the sender's replica once.</summary>
public sealed record PushJob(string ConversationId, long Seq, bool IsGroup, IReadOnlyList<string> Recipients, IReadOnlyCollection<string> Mentioned,
    long StoredAt, ActivityContext Send, int Attempt = 1);

/// <summary>
/// Web Push (RFC 8030, 8291 aes128gcm, 8292 VAPID) for the devices a message finds closed: each
/// recipient's subscribed devices without a live hub connection, unless the conversation is muted
/// (a mention still goes). Sending never slows a message down: a bounded queue per replica that
/// drops (and counts) when full, a few requests in flight, retries with back-off on 429/5xx
/// honouring Retry-After; 404/410 ends the subscription. One message, at most one push per device.
/// The payload names the conversation and seq, never the text.
/// </summary>
public sealed class PushDispatcher : BackgroundService
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestRetry = TimeSpan.FromMinutes(10);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly Channel<PushJob> _jobs;
    private readonly PushAudience _audience;
    private readonly PresenceTracker _presence;
    private readonly PushSubscriptions _subscriptions;
    private readonly PushTelemetry _telemetry;
    private readonly PushOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<PushDispatcher> _logger;
    private readonly PushServiceClient _client;
    private readonly VapidAuthentication? _vapid;
    private readonly SemaphoreSlim _inFlight;
    // Pushes started and not finished (in flight or waiting to retry): bounded like the queue.
    private int _pending;

    public PushDispatcher(PushAudience audience, PresenceTracker presence, PushSubscriptions subscriptions, VapidKeys keys,
        PushTelemetry telemetry, IOptions<PushOptions> options, TimeProvider time, ILogger<PushDispatcher> logger)
    {
        _audience = audience;
        _presence = presence;
        _subscriptions = subscriptions;
        _telemetry = telemetry;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _jobs = Channel.CreateBounded<PushJob>(new BoundedChannelOptions(_options.QueueCapacity) { SingleReader = true });
        _inFlight = new SemaphoreSlim(_options.Concurrency);
        if (keys.PublicKey is { } publicKey)
        {
            _vapid = new VapidAuthentication(publicKey, keys.PrivateKey!) { Subject = _options.Subject, TokenCache = new VapidTokenCache() };
        }
        // Its own client, outside the factory's standard resilience handler: the retries here
        // follow the push service's Retry-After, and must not multiply with a second policy.
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        _client = new PushServiceClient(new HttpClient(_vapid is null ? handler : new VapidAudienceHandler(_vapid) { InnerHandler = handler })
        {
            Timeout = TimeSpan.FromSeconds(15),
        })
        {
            AutoRetryAfter = false,
        };
    }

    /// <summary>Queues the pushes of a stored message; never waits (a full queue drops it, counted).</summary>
    public void Stored(PushJob job)
    {
        if (_vapid is null || job.Recipients.All(_audience.KnownWithoutDevices)) return;
        if (!_jobs.Writer.TryWrite(job)) _telemetry.FailedFor("overloaded");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var job in _jobs.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await StartPushesAsync(job, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // Who to push to could not be read (MongoDB or Redis slow or down): asked again
                    // shortly, a few times, then this message pushes nothing.
                    if (job.Attempt < _options.MaxAttempts)
                    {
                        _ = RetryLaterAsync(job with { Attempt = job.Attempt + 1 }, stoppingToken);
                        continue;
                    }
                    _telemetry.FailedFor("unavailable");
                    _logger.LogWarning(ex, "Pushes for seq {Seq} of {ConversationId} not sent: their devices could not be read.", job.Seq, job.ConversationId);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down; queued pushes are dropped (the messages are stored).
        }
    }

    private async Task RetryLaterAsync(PushJob job, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(Backoff(job.Attempt - 1), _time, stoppingToken);
            if (!_jobs.Writer.TryWrite(job)) _telemetry.FailedFor("overloaded");
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    private async Task StartPushesAsync(PushJob job, CancellationToken stoppingToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        deadline.CancelAfter(Infrastructure.DependencyFailures.RequestTimeout);
        var profiles = await Task.WhenAll(job.Recipients.Select(async userId => (UserId: userId, Profile: await _audience.GetAsync(userId, deadline.Token))));
        foreach (var (userId, profile) in profiles.Where(p => p.Profile.Subscriptions.Count > 0))
        {
            var kind = job.Mentioned.Contains(userId) ? PushPayload.Mention : PushPayload.Message;
            if (kind == PushPayload.Message && profile.Muted.Contains(job.ConversationId))
            {
                _telemetry.SkippedFor("muted");
                continue;
            }
            var live = await _presence.LiveSessionsOfAsync(userId);
            var now = _time.GetUtcNow().UtcDateTime;
            foreach (var subscription in profile.Subscriptions)
            {
                if (live.Contains(subscription.SessionId))
                {
                    _telemetry.SkippedFor("live");
                    continue;
                }
                // The device's session is over: it could only show "New message".
                if (subscription.SessionExpiresAt <= now) continue;
                if (Interlocked.Increment(ref _pending) > _options.QueueCapacity)
                {
                    Interlocked.Decrement(ref _pending);
                    _telemetry.FailedFor("overloaded");
                    continue;
                }
                await _inFlight.WaitAsync(stoppingToken);
                _ = PushAsync(job, subscription, kind, stoppingToken);
            }
        }
    }

    /// <summary>One device's push, from a held in-flight slot; the slot is let go while it waits to retry.</summary>
    private async Task PushAsync(PushJob job, PushSubscriptionDocument subscription, string kind, CancellationToken stoppingToken)
    {
        using var activity = PushTelemetry.Source.StartActivity("push message", ActivityKind.Producer, job.Send);
        activity?.SetTag("chat.conversation.id", job.ConversationId);
        activity?.SetTag("chat.message.seq", job.Seq);
        activity?.SetTag("chat.push.kind", kind);
        activity?.SetTag("server.address", new Uri(subscription.Endpoint).Host);
        var holding = true;
        try
        {
            var message = MessageFor(job, kind);
            for (var attempt = 1; ; attempt++)
            {
                if (!holding)
                {
                    await _inFlight.WaitAsync(stoppingToken);
                    holding = true;
                }
                TimeSpan retryIn;
                string reason;
                try
                {
                    await _client.RequestPushMessageDeliveryAsync(ToSubscription(subscription), message, _vapid, VapidAuthenticationScheme.Vapid, stoppingToken);
                    _telemetry.Sent.Add(1, new KeyValuePair<string, object?>("chat.push.kind", kind));
                    _telemetry.Duration.Record(_time.GetElapsedTime(job.StoredAt).TotalMilliseconds);
                    activity?.SetTag("chat.push.outcome", "sent");
                    return;
                }
                catch (PushServiceClientException ex) when (ex.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone)
                {
                    await _subscriptions.EndedByPushServiceAsync(subscription);
                    Gave(activity, "gone", attempt);
                    _logger.LogInformation("The push service ended device {Id} of {UserId} ({Status}); its subscription is removed.",
                        subscription.Id, subscription.UserId, (int)ex.StatusCode);
                    return;
                }
                catch (PushServiceClientException ex) when (ex.StatusCode is HttpStatusCode.TooManyRequests || (int)ex.StatusCode >= 500)
                {
                    reason = "unavailable";
                    retryIn = RetryAfter(ex) ?? Backoff(attempt);
                }
                catch (PushServiceClientException ex)
                {
                    Gave(activity, "rejected", attempt);
                    _logger.LogWarning("The push service refused a push to device {Id} with {Status}: {Body}", subscription.Id, (int)ex.StatusCode, ex.Body);
                    return;
                }
                catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !stoppingToken.IsCancellationRequested))
                {
                    reason = "unavailable";
                    retryIn = Backoff(attempt);
                }
                if (attempt >= _options.MaxAttempts || retryIn > _options.TimeToLive)
                {
                    Gave(activity, reason, attempt);
                    return;
                }
                _inFlight.Release();
                holding = false;
                await Task.Delay(retryIn < LongestRetry ? retryIn : LongestRetry, _time, stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
        catch (Exception ex)
        {
            _telemetry.FailedFor("error");
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            _logger.LogError(ex, "Push to device {Id} failed.", subscription.Id);
        }
        finally
        {
            if (holding) _inFlight.Release();
            Interlocked.Decrement(ref _pending);
        }
    }

    private void Gave(Activity? activity, string reason, int attempts)
    {
        _telemetry.FailedFor(reason);
        activity?.SetTag("chat.push.outcome", reason);
        activity?.SetTag("chat.push.attempts", attempts);
    }

    private PushMessage MessageFor(PushJob job, string kind) =>
        new(JsonSerializer.Serialize(new PushPayload(job.ConversationId, job.Seq, kind), Json))
        {
            // Pushes waiting at the push service for an offline device collapse per conversation.
            Topic = TopicOf(job.ConversationId),
            TimeToLive = (int)_options.TimeToLive.TotalSeconds,
            Urgency = !job.IsGroup || kind == PushPayload.Mention ? PushMessageUrgency.High : PushMessageUrgency.Normal,
        };

    /// <summary>At most 32 URL-safe characters (RFC 8030): a digest, so the push service does not learn the ids either.</summary>
    public static string TopicOf(string conversationId) =>
        WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.UTF8.GetBytes(conversationId)))[..22];

    private static PushSubscription ToSubscription(PushSubscriptionDocument document)
    {
        var subscription = new PushSubscription { Endpoint = document.Endpoint };
        subscription.SetKey(PushEncryptionKeyName.P256DH, document.P256dh);
        subscription.SetKey(PushEncryptionKeyName.Auth, document.Auth);
        return subscription;
    }

    private static TimeSpan Backoff(int attempt) =>
        FirstRetry * Math.Pow(4, attempt - 1) * (0.75 + Random.Shared.NextDouble() / 2); // 1 s, 4 s, 16 s…, jittered

    private TimeSpan? RetryAfter(PushServiceClientException ex) => ex.Headers?.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - _time.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    /// <summary>A VAPID token per push service origin, reused until shortly before it expires (signing is the costly part).</summary>
    private sealed class VapidTokenCache : IVapidTokenCache
    {
        private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset Expires)> _tokens = new();

        public void Put(string audience, DateTimeOffset expiration, string token)
        {
            if (_tokens.Count > 1000) _tokens.Clear();
            _tokens[audience] = (token, expiration);
        }

        public string? Get(string audience) =>
            _tokens.TryGetValue(audience, out var kept) && kept.Expires > DateTimeOffset.UtcNow.AddMinutes(5) ? kept.Token : null;
    }
}

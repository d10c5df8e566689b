using Chat.Api.Accounts;
using Chat.Api.Blocking;
using Chat.Api.ClientTelemetry;
using Chat.Api.Contacts;
using Chat.Api.Contracts;
using Chat.Api.Exports;
using Chat.Api.Groups;
using Chat.Api.Hubs;
using Chat.Api.Infrastructure;
using Chat.Api.Infrastructure.MongoDB;
using Chat.Api.Media;
using Chat.Api.Messaging;
using Chat.Api.Presence;
using Chat.Api.Privacy;
using Chat.Api.Push;
using Chat.Api.Realtime;
using Chat.Api.Security;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;
using StackExchange.Redis;

namespace Chat.Api.Extensions;

/// <summary>The API's DI wiring: infrastructure first, then one block per feature folder.</summary>
public static class ApplicationServicesExtensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var developing = builder.Environment.IsDevelopment();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(ApiInstance.ForThisProcess());
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            // A body that is not JSON, a query value of the wrong type: the same 400 shape as
            // the services' own refusals (ClientError.From).
            if (context.Exception is Microsoft.AspNetCore.Http.BadHttpRequestException { StatusCode: StatusCodes.Status400BadRequest })
            {
                context.ProblemDetails.Title = "Invalid request";
                context.ProblemDetails.Detail = "The body or a parameter could not be read (malformed JSON, or a value of the wrong type).";
            }
            else if (context.Exception is { } exception && (DependencyFailures.IsUnavailable(exception) || exception is OperationCanceledException))
            {
                context.ProblemDetails.Title = DependencyFailures.Unavailable.Title;
                context.ProblemDetails.Detail = DependencyFailures.Unavailable.Detail;
                context.HttpContext.Response.Headers.RetryAfter = ((int)DependencyFailures.RetryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (context.Exception is { } bug && developing)
            {
                // Development only (the cluster tests run so): a 500 names its exceptions, so a
                // test that meets one says which without the replica's logs. Never in production.
                context.ProblemDetails.Extensions["exception"] = string.Join(" ---> ", Chain(bug).Select(e => $"{e.GetType().FullName}: {e.Message}"));
                context.ProblemDetails.Extensions["stack"] = bug.StackTrace?[..Math.Min(bug.StackTrace.Length, 2000)];
            }
        });
        // Numbers are numbers: the web defaults would also read "5" for 5, and describe every
        // integer as "integer or string" to the clients generated from the document.
        services.ConfigureHttpJsonOptions(options => options.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict);
        services.AddOpenApi(options => options.AddDocumentTransformer<OpenApiDocument.HubContracts>());
        services.AddRequestTimeouts(options =>
        {
            // A request whose dependencies do not answer in time is told to try again.
            options.DefaultPolicy = new() { Timeout = DependencyFailures.RequestTimeout, WriteTimeoutResponse = WriteUnavailableAsync };
            options.AddPolicy(DependencyFailures.SendPolicy, new RequestTimeoutPolicy { Timeout = DependencyFailures.SendTimeout, WriteTimeoutResponse = WriteUnavailableAsync });
            options.AddPolicy(DependencyFailures.UploadPolicy, new RequestTimeoutPolicy { Timeout = DependencyFailures.UploadTimeout, WriteTimeoutResponse = WriteUnavailableAsync });
        });
        services.AddMemoryCache();
        services.AddHealthChecks().AddCheck<StoppingHealthCheck>("accepting");
        services.Configure<KestrelServerOptions>(options => options.Limits.MaxRequestBodySize = RequestBodyLimits.MaxJsonBodyBytes);

        services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.Section);

        builder.AddMongoDatabase("chatdb");
        // Commands fail within seconds when Redis stalls, rather than hang the request (DependencyFailures).
        builder.AddRedisClient("redis", configureOptions: options =>
        {
            options.AsyncTimeout = (int)DependencyFailures.RedisTimeout.TotalMilliseconds;
            options.SyncTimeout = (int)DependencyFailures.RedisTimeout.TotalMilliseconds;
            options.AbortOnConnectFail = false;
            // Back within a second of Redis (a restart, a failover), not after an exponential
            // back-off of several: until then every request that needs it answers 503.
            options.ReconnectRetryPolicy = new LinearRetry(250);
            options.HeartbeatInterval = TimeSpan.FromMilliseconds(500);
            // Replies handled on the thread pool rather than handed over from dedicated I/O threads.
            options.SocketManager = SocketManager.ThreadPool;
        });
        builder.AddRealtime();
        builder.AddChatAuthentication();
        builder.AddChatRateLimits();

        // Accounts: users and their profiles; Contacts: other users as one sees them.
        services.AddSingleton<UserStore>();
        services.AddSingleton(new MongoIndexes.Definition(UserStore.CreateIndexesAsync));
        services.AddSingleton<ProfileService>();
        services.AddSingleton<ContactDirectory>();
        services.AddSingleton<BlockStore>();
        services.AddSingleton(new MongoIndexes.Definition(BlockStore.CreateIndexesAsync));
        services.AddSingleton<BlockList>();

        // Messaging: one class per job, all pushing through the ChatNotifier.
        services.AddSingleton<MessageStore>();
        services.AddSingleton(new MongoIndexes.Definition(MessageStore.CreateIndexesAsync));
        services.AddSingleton<MessagingTelemetry>();
        services.AddSingleton<GroupSeqHints>();
        services.AddHostedService(provider => provider.GetRequiredService<GroupSeqHints>());
        services.AddSingleton<MessageWriter>();
        services.AddHostedService(provider => provider.GetRequiredService<MessageWriter>());
        services.AddSingleton<PeerCheck>();
        services.AddHostedService(provider => provider.GetRequiredService<PeerCheck>());
        services.AddSingleton<ConversationAccess>();
        services.AddSingleton<MessageRequests>();
        services.AddSingleton<MessageImages>();
        services.AddSingleton<GroupReadProgress>();
        services.AddSingleton<ReactionStore>();
        services.AddSingleton(new MongoIndexes.Definition(ReactionStore.CreateIndexesAsync));
        services.AddSingleton<MessageViews>();
        services.AddSingleton<MessageSender>();
        services.AddSingleton<Reactions>();
        services.AddSingleton<MessageSearch>();
        services.AddSingleton<MessageEditor>();
        services.AddSingleton<ConversationReader>();
        services.AddSingleton<ReadMarks>();
        services.AddSingleton<TypingSignals>();
        services.AddSingleton<DeliveryReceipts>();

        builder.AddMedia();

        // Groups: memberships (MongoDB), who is in which group on each replica, the group rules.
        services.AddOptions<GroupOptions>().BindConfiguration(GroupOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<GroupTelemetry>();
        services.AddSingleton<GroupStore>();
        services.AddSingleton(new MongoIndexes.Definition(GroupStore.CreateIndexesAsync));
        services.AddSingleton<GroupMembers>();
        services.AddHostedService(provider => provider.GetRequiredService<GroupMembers>());
        services.AddSingleton<GroupService>();

        // Push: the devices a message reaches when Chat is closed, and the mutes that silence them.
        services.AddOptions<PushOptions>().BindConfiguration(PushOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<PushTelemetry>();
        services.AddSingleton<PushStore>();
        services.AddSingleton(new MongoIndexes.Definition(PushStore.CreateIndexesAsync));
        services.AddSingleton<VapidKeys>();
        services.AddSingleton<PushEndpoints>();
        services.AddSingleton<PushAudience>();
        services.AddHostedService(provider => provider.GetRequiredService<PushAudience>());
        services.AddSingleton<PushSubscriptions>();
        services.AddSingleton<ConversationMutes>();
        services.AddSingleton<PushDispatcher>();
        services.AddHostedService(provider => provider.GetRequiredService<PushDispatcher>());

        // Exports: "my data" as a zip, prepared in the background by any replica, kept a day.
        services.AddSingleton<ExportTelemetry>();
        services.AddSingleton<ExportStore>();
        services.AddSingleton(new MongoIndexes.Definition(ExportStore.CreateIndexesAsync));
        services.AddHttpClient(nameof(ExportBuilder));
        services.AddSingleton<ExportBuilder>();
        services.AddSingleton<ExportService>();
        services.AddHostedService<ExportWorker>();

        // Client telemetry: the web client's spans, relayed to the cluster's OTLP endpoint.
        services.AddOptions<ClientTelemetryOptions>().BindConfiguration(ClientTelemetryOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ClientTelemetryMetrics>();
        services.AddHttpClient(nameof(ClientTraceRelay), client => client.Timeout = TimeSpan.FromSeconds(5));
        services.AddSingleton<ClientTraceRelay>();

        // Privacy: each user's choices (kept on each replica), "my conversations" as they mean it.
        services.AddSingleton<PrivacySettings>();
        services.AddHostedService(provider => provider.GetRequiredService<PrivacySettings>());
        services.AddSingleton<ConversationTies>();
        services.AddSingleton<PrivacyService>();

        services.AddOptions<PresenceOptions>().BindConfiguration(PresenceOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<PresenceTelemetry>();
        services.AddSingleton<PresenceAudience>();
        services.AddSingleton<PresenceTracker>();
        services.AddHostedService(provider => provider.GetRequiredService<PresenceTracker>());
    }

    /// <summary>
    /// SignalR over the Redis backplane, and the seam services push through: <see cref="ChatNotifier"/>
    /// gets the typed hub's clients, so no service depends on the hub itself.
    /// </summary>
    private static void AddRealtime(this IHostApplicationBuilder builder)
    {
        // The backplane shares the Aspire-registered multiplexer (one set of Redis connections,
        // already traced and health-checked) instead of opening its own.
        builder.Services.AddSignalR(options =>
        {
            options.AddFilter<DependencyFailureFilter>();
            options.AddFilter<HubRateLimitFilter>();
        }).AddStackExchangeRedis();
        builder.Services.AddOptions<RedisOptions>().Configure<IConnectionMultiplexer>((options, redis) =>
        {
            options.Configuration.ChannelPrefix = RedisChannel.Literal("chat");
            options.ConnectionFactory = _ => Task.FromResult(redis);
        });
        builder.Services.AddSingleton<IUserIdProvider, SubjectUserIdProvider>();
        builder.Services.AddSingleton(provider => provider.GetRequiredService<IHubContext<ChatHub, IChatClient>>().Clients);
        builder.Services.AddSingleton(provider => provider.GetRequiredService<IHubContext<ChatHub, IChatClient>>().Groups);
        builder.Services.AddSingleton<ChatNotifier>();
        builder.Services.AddSingleton<GroupConnections>();
        builder.Services.AddSingleton<ConnectionRegistry>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<ConnectionRegistry>());
    }

    /// <summary>Uploads, and where their files go: Cloudinary when CLOUDINARY_URL is set, otherwise a directory the replicas share.</summary>
    private static void AddMedia(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<MediaOptions>().BindConfiguration(MediaOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<CloudinaryOptions>()
            .BindConfiguration("Cloudinary")
            .Configure<IConfiguration>((options, configuration) => options.Url = configuration["CLOUDINARY_URL"])
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<MediaTelemetry>();
        services.AddSingleton<MediaStore>();
        services.AddSingleton(new MongoIndexes.Definition(MediaStore.CreateIndexesAsync));
        services.AddSingleton<ImageWorkGate>();
        services.AddSingleton<MediaService>();
        services.AddHostedService<UnusedMediaSweeper>();
        services.AddSingleton<IImageStorage>(provider =>
        {
            var cloudinary = provider.GetRequiredService<IOptions<CloudinaryOptions>>().Value;
            if (cloudinary.Account is { } account)
            {
                // Its own client, outside the factory's standard resilience handler: an upload is
                // not cheap to repeat blindly, and the user's client retries with the same file.
                var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
                {
                    Timeout = TimeSpan.FromSeconds(60),
                };
                return new CloudinaryImageStorage(http, account, provider.GetRequiredService<TimeProvider>(), cloudinary.ApiBaseUrl);
            }
            var path = provider.GetRequiredService<IOptions<MediaOptions>>().Value.LocalPath is { Length: > 0 } configured
                ? configured
                : Path.Combine(builder.Environment.ContentRootPath, ".media");
            return new LocalImageStorage(path);
        });
    }

    /// <summary>
    /// Errors as ProblemDetails (including bare 401/404/415), the replica id on every response,
    /// the client's address (only from the web front), the origin check, then authentication.
    /// </summary>
    public static void UseApplicationMiddleware(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // A body or parameter a client could not send right is its own fault: a 400, not an
            // error in our logs and traces (the dashboard's red should mean something on our side).
            SuppressDiagnosticsCallback = context => context.Exception is Microsoft.AspNetCore.Http.BadHttpRequestException,
            // Malformed JSON, a bad query value, an oversize body: the client's fault, so its 4xx
            // (minimal APIs throw these in Development instead of answering them).
            StatusCodeSelector = exception => exception switch
            {
                Microsoft.AspNetCore.Http.BadHttpRequestException bad => bad.StatusCode,
                // MongoDB or Redis did not answer in time: "try again", not a server bug.
                _ when DependencyFailures.IsUnavailable(exception) => StatusCodes.Status503ServiceUnavailable,
                // Work cancelled under the request: by a deadline, or by StackExchange.Redis when it
                // drops a stalled connection (a client that went away reads no answer anyway).
                OperationCanceledException => StatusCodes.Status503ServiceUnavailable,
                _ => StatusCodes.Status500InternalServerError,
            },
        });
        app.UseStatusCodePages();

        var instance = app.Services.GetRequiredService<ApiInstance>();
        app.Logger.LogInformation("Replica {Instance} starting.", instance.Id);
        app.Use((context, next) =>
        {
            context.Response.Headers[ApiInstance.HeaderName] = instance.Id;
            return next(context);
        });
        app.UseRouteHeader();

        app.UseRequestTimeouts();
        app.UseHubDrainOnStop();
        app.UseFrontProxy();
        app.UseOriginCheck();
        app.UseAuthentication();
        app.UseSessionCheckFailures();
        app.UseAuthorization();
        app.UseRateLimiter();
    }

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException) yield return e;
    }

    private static Task WriteUnavailableAsync(HttpContext context) => DependencyFailures.Unavailable.ToProblem(context).ExecuteAsync(context);

    /// <summary>The OpenAPI document and a browsable reference (Scalar at /scalar), in Development only.</summary>
    public static void MapApiReference(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment()) return;
        app.MapOpenApi();
        app.MapScalarApiReference();
    }
}

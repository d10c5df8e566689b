using Chat.Api.Accounts;
using Chat.Api.Hubs;
using Chat.Api.Media;
using Chat.Api.Messaging;
using Chat.Api.Presence;
using Microsoft.AspNetCore.SignalR;
using Chat.Api.Identity;
using Chat.Api.Infrastructure;
using Chat.Api.Infrastructure.MongoDB;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using Scalar.AspNetCore;
using StackExchange.Redis;

namespace Chat.Api.Extensions;

public static class ApplicationServicesExtensions
{
    /// <summary>JSON bodies are small; endpoints that take files raise their own limit.</summary>
    public const long MaxRequestBodyBytes = 64 * 1024;

    /// <summary>Registers the API's infrastructure (MongoDB, Redis, SignalR) and its services.</summary>
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(ApiInstance.ForThisProcess());
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi();
        builder.Services.Configure<KestrelServerOptions>(options => options.Limits.MaxRequestBodySize = MaxRequestBodyBytes);

        builder.AddMongoDatabase("chatdb");
        builder.AddRedisClient("redis");

        // The backplane shares the Aspire-registered multiplexer (one set of Redis connections,
        // already traced and health-checked) instead of opening its own.
        builder.Services.AddSignalR().AddStackExchangeRedis();
        builder.Services.AddOptions<RedisOptions>().Configure<IConnectionMultiplexer>((options, redis) =>
        {
            options.Configuration.ChannelPrefix = RedisChannel.Literal("chat");
            options.ConnectionFactory = _ => Task.FromResult(redis);
        });

        builder.AddChatIdentity();
        builder.Services.AddSingleton<UserStore>();
        builder.Services.AddSingleton(new MongoIndexes.Definition(UserStore.CreateIndexesAsync));

        builder.Services.AddSingleton<IUserIdProvider, SubjectUserIdProvider>();
        builder.Services.AddSingleton<MessageStore>();
        builder.Services.AddSingleton<MessagingTelemetry>();
        builder.Services.AddMemoryCache();
        builder.Services.AddSingleton<MessagingService>();
        builder.Services.AddSingleton(new MongoIndexes.Definition(MessageStore.CreateIndexesAsync));

        builder.AddImageStorage();
        builder.Services.AddSingleton<MediaStore>();
        builder.Services.AddSingleton<MediaService>();

        builder.Services.Configure<PresenceOptions>(builder.Configuration.GetSection("Presence"));
        builder.Services.AddSingleton<PresenceTracker>();
        builder.Services.AddHostedService(services => services.GetRequiredService<PresenceTracker>());
    }

    /// <summary>Cloudinary when CLOUDINARY_URL is set; otherwise files in Media:LocalPath (shared by the replicas).</summary>
    private static void AddImageStorage(this IHostApplicationBuilder builder)
    {
        if (builder.Configuration["CLOUDINARY_URL"] is { Length: > 0 } cloudinaryUrl)
        {
            var account = CloudinaryAccount.Parse(cloudinaryUrl);
            var apiBase = builder.Configuration["Cloudinary:ApiBaseUrl"] is { Length: > 0 } url ? new Uri(url) : null;
            // Its own client, outside the factory's standard resilience handler: an upload is not
            // cheap to repeat blindly, and the user's client retries with the same file.
            var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            {
                Timeout = TimeSpan.FromSeconds(60),
            };
            builder.Services.AddSingleton<IImageStorage>(services =>
                new CloudinaryImageStorage(http, account, services.GetRequiredService<TimeProvider>(), apiBase));
        }
        else
        {
            var path = builder.Configuration["Media:LocalPath"] is { Length: > 0 } configured
                ? configured
                : Path.Combine(builder.Environment.ContentRootPath, ".media");
            builder.Services.AddSingleton<IImageStorage>(new LocalImageStorage(path));
        }
    }

    /// <summary>
    /// Errors as ProblemDetails (including bare 401/404/415), the replica id on every response,
    /// the client's address from the web front, then authentication.
    /// </summary>
    public static void UseApplicationMiddleware(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // Malformed JSON, a bad query value, an oversize body: the client's fault, so its 4xx
            // (minimal APIs throw these in Development instead of answering them).
            StatusCodeSelector = exception => exception is Microsoft.AspNetCore.Http.BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
        });
        app.UseStatusCodePages();

        var instance = app.Services.GetRequiredService<ApiInstance>();
        app.Use((context, next) =>
        {
            context.Response.Headers[ApiInstance.HeaderName] = instance.Id;
            return next(context);
        });

        app.UseForwardedHeaders();
        app.UseAuthentication();
        app.UseAuthorization();
    }

    /// <summary>The OpenAPI document and a browsable reference (Scalar at /scalar), in Development only.</summary>
    public static void MapApiReference(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment()) return;
        app.MapOpenApi();
        app.MapScalarApiReference();
    }
}

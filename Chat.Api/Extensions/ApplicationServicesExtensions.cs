using Chat.Api.Infrastructure;
using Chat.Api.Infrastructure.MongoDB;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using Scalar.AspNetCore;
using StackExchange.Redis;

namespace Chat.Api.Extensions;

public static class ApplicationServicesExtensions
{
    /// <summary>Registers the API's infrastructure (MongoDB, Redis, SignalR) and its services.</summary>
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(ApiInstance.ForThisProcess());
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi();

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
    }

    /// <summary>Errors as ProblemDetails (including bare 404s) and the replica id on every response.</summary>
    public static void UseApplicationMiddleware(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();

        var instance = app.Services.GetRequiredService<ApiInstance>();
        app.Use((context, next) =>
        {
            context.Response.Headers[ApiInstance.HeaderName] = instance.Id;
            return next(context);
        });
    }

    /// <summary>The OpenAPI document and a browsable reference (Scalar at /scalar), in Development only.</summary>
    public static void MapApiReference(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment()) return;
        app.MapOpenApi();
        app.MapScalarApiReference();
    }
}

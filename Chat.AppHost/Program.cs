using Microsoft.Extensions.Configuration;
using Chat.AppHost.Infrastructure;

var builder = DistributedApplication.CreateBuilder(args);
var report = new InfrastructureReport();

IResourceBuilder<IResourceWithConnectionString> redis, chatdb;
if (builder.ExecutionContext.IsPublishMode)
{
    // Publishing (azd): the same manifest on every machine, nothing local in it. MongoDB is a
    // managed service given by its connection string (Atlas, or Azure Cosmos DB for MongoDB
    // vCore; a secret azd asks for); Redis too, or, with Deploy:RedisContainer=true, a container
    // without a volume (it holds only short-lived state).
    chatdb = builder.AddConnectionString("chatdb");
    redis = builder.Configuration.GetValue<bool>("Deploy:RedisContainer") ? builder.AddRedis("redis") : builder.AddConnectionString("redis");
}
else
{
    // Containers where an engine answers (a laptop with Docker), local processes where none does.
    var (mode, reason) = await InfrastructureModeDecision.DecideAsync(
        builder.Configuration[InfrastructureModeDecision.ConfigurationKey],
        () => ContainerRuntimeProbe.AnswersAsync(builder.Configuration["ASPIRE_CONTAINER_RUNTIME"], TimeSpan.FromSeconds(10)));
    report.Add("infrastructure", $"{mode} mode ({reason})");

    // A connection string in configuration (ConnectionStrings:redis / ConnectionStrings:chatdb)
    // points at an existing server (cloud or local) instead.
    redis = HasConnectionString("redis") ? builder.AddConnectionString("redis") : builder.AddChatRedis("redis", mode, report);
    chatdb = HasConnectionString("chatdb") ? builder.AddConnectionString("chatdb") : builder.AddMongo("mongo", mode, report).AddDatabase("chatdb");
}

// Signs the session cookies; the same on every replica. Generated once and kept in the
// AppHost's user secrets, so sessions survive a restart of the cluster.
var signingKey = builder.AddParameter("auth-signing-key",
    new GenerateParameterDefault { MinLength = 64, Special = false }, secret: true, persist: true);

// Proves to the API that a request came through the web front, so only the front can say which
// address the browser has (per-address limits).
var frontKey = builder.AddParameter("front-key",
    new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);

// Web Push (VAPID, RFC 8292): the API derives its P-256 key pair from this secret, so every
// replica signs with the same key and browsers' subscriptions survive a restart of the cluster.
var vapidKey = builder.AddParameter("push-vapid-key",
    new GenerateParameterDefault { MinLength = 64, Special = false }, secret: true, persist: true);

// The largest image: enforced by the API, checked early by the web front, learnt by clients from
// the API's GET /api/limits.
var maxUploadBytes = builder.Configuration.GetValue("Media:MaxUploadBytes", 10L * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture);

var apiReplicas = builder.AddApiReplicas(builder.Configuration.GetValue("Api:Replicas", 2), api => api
    .WithReference(redis).WaitFor(redis)
    .WithReference(chatdb).WaitFor(chatdb)
    .WithEnvironment("Auth__SigningKey", signingKey)
    .WithEnvironment("Security__FrontKey", frontKey)
    .WithEnvironment("Push__VapidKey", vapidKey)
    .WithEnvironment("Media__MaxUploadBytes", maxUploadBytes)
    .WithImageStorage(report)
    .WithTraceSampling(builder.Configuration, report)
    // OTLP over HTTP rather than gRPC: the API relays the web client's OTLP/HTTP exports to the
    // same endpoint its own spans go to (ClientTraceRelay), and the dashboard takes both there.
    .WithOtlpExporter(OtlpProtocol.HttpProtobuf)
    .WithApiSettings(builder.Configuration, report)
    .WithHttpHealthCheck("/health"));

var web = builder.AddProject<Projects.Chat_Web>("web")
    .WithDirectHttpEndpoint()
    .WithApiReplicas(apiReplicas)
    .WithEnvironment("Security__FrontKey", frontKey)
    .WithEnvironment("Media__MaxUploadBytes", maxUploadBytes)
    .WithImageOrigins()
    .WithExternalHttpEndpoints()
    .WithTraceSampling(builder.Configuration, report)
    .WithHttpHealthCheck("/health")
    .AnnounceUrl("Chat web front");

foreach (var api in apiReplicas)
{
    // Browsers may change state and open the hub only from the web front's pages (deployed, the API
    // also recognises the front's public origin from the forwarded host and scheme).
    if (!builder.ExecutionContext.IsPublishMode) api.WithEnvironment("Security__AllowedOrigins__0", web.GetEndpoint("http"));

    // The API believes forwarded headers only from the web front, which proves itself (FrontProxy);
    // not from whoever reaches it, as the default for deployed projects would have it.
    if (builder.ExecutionContext.IsPublishMode) api.WithEnvironment("ASPNETCORE_FORWARDEDHEADERS_ENABLED", "false");
}

report.LogOnStart(builder);
builder.Build().Run();

bool HasConnectionString(string name)
{
    var configured = !string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(name));
    if (configured) report.Add(name, $"existing server from ConnectionStrings:{name}");
    return configured;
}

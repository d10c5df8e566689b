using Chat.Api.Apis;
using Chat.Api.Extensions;
using Chat.Api.Hubs;
using Chat.Api.Infrastructure;

var builder = WebApplication.CreateBuilder(args);
// The build writes the OpenAPI document by running this far (no request is served, nothing connects).
if (OpenApiDocument.IsBeingGenerated) builder.Configuration.AddInMemoryCollection(OpenApiDocument.PlaceholderSettings);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseApplicationMiddleware();
app.MapDefaultEndpoints();
app.MapApiReference();
app.MapLimitsApi();
app.MapAuthApi();
app.MapUsersApi();
app.MapPrivacyApi();
app.MapAccountApi();
app.MapBlocksApi();
app.MapConversationsApi();
app.MapGroupsApi();
app.MapMessagesApi();
app.MapSearchApi();
app.MapMediaApi();
app.MapPushApi();
app.MapClientTelemetryApi();
app.MapChatHub();

app.Run();

using Chat.Api.Apis;
using Chat.Api.Extensions;
using Chat.Api.Hubs;

var builder = WebApplication.CreateBuilder(args);

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
app.MapChatHub();

app.Run();

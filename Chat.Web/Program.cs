using Chat.Web.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApiProxy();

var app = builder.Build();

app.UseSecurityHeaders();
app.MapDefaultEndpoints();
app.UseSpaStaticFiles();
app.RejectOversizeBodies();
app.MapApiProxy();
app.MapFallbackToFile("index.html");

app.Run();

namespace Chat.Api.Infrastructure;

/// <summary>
/// The build writes <c>Chat.Api/openapi/chat-api.json</c> (Microsoft.Extensions.ApiDescription.Server):
/// it starts the app's host under its own tool, which reads the endpoints and never runs them.
/// The settings a replica refuses to start without are given placeholders then: nothing connects.
/// </summary>
public static class OpenApiDocument
{
    public static bool IsBeingGenerated =>
        System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name == "GetDocument.Insider";

    public static readonly Dictionary<string, string?> PlaceholderSettings = new()
    {
        ["ConnectionStrings:chatdb"] = "mongodb://localhost:1/chatdb",
        ["ConnectionStrings:redis"] = "localhost:1,abortConnect=false",
        ["Auth:SigningKey"] = new string('k', 64),
    };
}

using System.Reflection;
using Chat.Api.Contracts;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Chat.Api.Infrastructure;

/// <summary>
/// The build writes <c>Chat.Api/openapi/chat-api.json</c> (Microsoft.Extensions.ApiDescription.Server):
/// it starts the app's host under its own tool, which reads the endpoints and never runs them.
/// The settings a replica refuses to start without are given placeholders then: nothing connects.
/// The web client's types are generated from that document, the hub's included (<see cref="HubContracts"/>).
/// </summary>
public static class OpenApiDocument
{
    public static bool IsBeingGenerated =>
        Assembly.GetEntryAssembly()?.GetName().Name == "GetDocument.Insider";

    public static readonly Dictionary<string, string?> PlaceholderSettings = new()
    {
        ["ConnectionStrings:chatdb"] = "mongodb://localhost:1/chatdb",
        ["ConnectionStrings:redis"] = "localhost:1,abortConnect=false",
        ["Auth:SigningKey"] = new string('k', 64),
    };

    /// <summary>
    /// The hub's events (<see cref="IChatClient"/>) and its methods' arguments are no endpoint, so
    /// OpenAPI would not describe them: they are added as components, so that one document is the
    /// source of every contract the client reads.
    /// </summary>
    public sealed class HubContracts : IOpenApiDocumentTransformer
    {
        public async Task TransformAsync(Microsoft.OpenApi.OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
        {
            var types = typeof(IChatClient).GetMethods().SelectMany(m => m.GetParameters()).Select(p => p.ParameterType)
                .Select(t => t.IsGenericType ? t.GetGenericArguments()[0] : t)
                .Distinct();
            foreach (var type in types)
            {
                if (document.Components?.Schemas?.ContainsKey(type.Name) == true) continue;
                document.AddComponent(type.Name, await context.GetOrCreateSchemaAsync(type, cancellationToken: cancellationToken));
            }
        }
    }
}

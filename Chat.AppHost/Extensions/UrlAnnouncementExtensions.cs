using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting;

public static class UrlAnnouncementExtensions
{
    /// <summary>
    /// Writes the resource's HTTP URL to the AppHost log once it is known, next to the dashboard's
    /// login link, so a newcomer sees where to point the browser.
    /// </summary>
    public static IResourceBuilder<T> AnnounceUrl<T>(this IResourceBuilder<T> builder, string label)
        where T : IResourceWithEndpoints =>
        builder.OnResourceEndpointsAllocated((resource, e, _) =>
        {
            var logger = e.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Chat.AppHost");
            logger.LogInformation("{Label}: {Url}", label, resource.GetEndpoint("http").Url);
            return Task.CompletedTask;
        });
}

using Chat.AppHost.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting;

public static class ApiSettingsExtensions
{
    /// <summary>The API's settings sections that the AppHost passes through when given.</summary>
    public static readonly string[] Sections = ["RateLimits", "Groups", "Push", "ClientTelemetry"];

    /// <summary>
    /// Passes the AppHost's settings of these sections to the API (e.g. <c>./eng/start
    /// --RateLimits:Send:PermitLimit=100000</c> for a load test, <c>--Groups:MaxMembers=500</c>, <c>--Push:AllowedHosts:0=localhost:8090</c>, <c>--ClientTelemetry:SampleRatio=0.1</c>);
    /// without any, the API's defaults hold.
    /// </summary>
    public static IResourceBuilder<T> WithApiSettings<T>(
        this IResourceBuilder<T> api, IConfiguration configuration, InfrastructureReport report)
        where T : IResourceWithEnvironment
    {
        foreach (var section in Sections)
        {
            var settings = configuration.GetSection(section).AsEnumerable(makePathsRelative: true)
                .Where(s => s.Value is not null)
                .ToList();
            foreach (var (key, value) in settings)
            {
                api.WithEnvironment($"{section}__{key.Replace(":", "__")}", value);
            }
            if (settings.Count > 0) report.Add(section, string.Join(", ", settings.Select(s => $"{s.Key}={s.Value}")));
        }
        return api;
    }
}

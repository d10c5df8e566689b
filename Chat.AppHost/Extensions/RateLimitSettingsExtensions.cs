using Chat.AppHost.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting;

public static class RateLimitSettingsExtensions
{
    public const string Section = "RateLimits";

    /// <summary>
    /// Passes the AppHost's RateLimits settings to the API (e.g. <c>./eng/start
    /// --RateLimits:Send:PermitLimit=100000</c> for a load test); without any, the API's defaults hold.
    /// </summary>
    public static IResourceBuilder<T> WithRateLimitSettings<T>(
        this IResourceBuilder<T> api, IConfiguration configuration, InfrastructureReport report)
        where T : IResourceWithEnvironment
    {
        var settings = configuration.GetSection(Section).AsEnumerable(makePathsRelative: true)
            .Where(s => s.Value is not null)
            .ToList();
        foreach (var (key, value) in settings)
        {
            api.WithEnvironment($"{Section}__{key.Replace(":", "__")}", value);
        }
        if (settings.Count > 0) report.Add("rate limits", string.Join(", ", settings.Select(s => $"{s.Key}={s.Value}")));
        return api;
    }
}

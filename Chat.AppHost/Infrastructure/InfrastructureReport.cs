using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Chat.AppHost.Infrastructure;

/// <summary>
/// What the AppHost chose for each piece of infrastructure, written to the AppHost log when the
/// application starts so nobody has to guess which database they are talking to.
/// </summary>
public sealed class InfrastructureReport
{
    private readonly List<(LogLevel Level, string Resource, string Choice)> _lines = [];

    public IReadOnlyList<(LogLevel Level, string Resource, string Choice)> Lines => _lines;

    // Said once, though every API replica says it.
    public void Add(string resource, string choice)
    {
        if (!_lines.Contains((LogLevel.Information, resource, choice))) _lines.Add((LogLevel.Information, resource, choice));
    }

    public void Warn(string resource, string choice) => _lines.Add((LogLevel.Warning, resource, choice));

    public void LogOnStart(IDistributedApplicationBuilder builder)
    {
        builder.Eventing.Subscribe<BeforeStartEvent>((e, _) =>
        {
            var logger = e.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Chat.AppHost");
            foreach (var (level, resource, choice) in _lines)
            {
                logger.Log(level, "{Resource}: {Choice}", resource, choice);
            }
            return Task.CompletedTask;
        });
    }
}

using Chat.AppHost.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting;

/// <summary>
/// Run locally, a project listens on its http port itself, with no orchestrator proxy in front.
/// The proxy copies every byte both ways, so every frame of every live connection cost a hop and
/// CPU (15–24 % of a core for the web front's proxy under load: BENCHMARKS.md, issue 15); a single
/// web front has nothing to balance, and the API replicas are balanced by the front itself.
/// Deployed, nothing changes: the platform's ingress is in front.
/// </summary>
public static class DirectEndpointExtensions
{
    /// <param name="port">
    /// The port to listen on; by default the launch profile's (the web front's 5180), or a free
    /// one when the test host randomizes ports (several clusters side by side).
    /// </param>
    public static IResourceBuilder<ProjectResource> WithDirectHttpEndpoint(this IResourceBuilder<ProjectResource> project, int? port = null)
    {
        var builder = project.ApplicationBuilder;
        if (builder.ExecutionContext.IsPublishMode) return project;
        var randomized = builder.Configuration.GetValue<bool>("DcpPublisher:RandomizePorts");
        return project.WithEndpoint("http", endpoint =>
        {
            endpoint.IsProxied = false;
            endpoint.Port = port ?? (randomized ? null : endpoint.Port) ?? LocalPorts.Free();
            endpoint.TargetPort = endpoint.Port;
        });
    }
}

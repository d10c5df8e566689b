using Chat.AppHost.Infrastructure;

namespace Aspire.Hosting;

/// <summary>
/// The API, scaled out, and how the web front reaches its replicas.
/// <para>
/// Deployed, it is one resource, "api", with N replicas the platform balances. Run here, it is N
/// resources, api-1 … api-N, each listening on its own port with no orchestrator proxy in front:
/// the web front balances them itself (YARP, told every address by service discovery), so every
/// frame of every live connection crosses one proxy instead of two. The orchestrator's proxy in
/// front of replicas cost about as much CPU as the API under load (BENCHMARKS.md, issue 15), and
/// a replica's own port stays the same across restarts.
/// </para>
/// </summary>
public static class ApiReplicaExtensions
{
    /// <summary>The API's resource name deployed, and the service name the web front asks service discovery for.</summary>
    public const string ServiceName = "api";

    /// <summary>Adds the API's replicas, each configured by <paramref name="configure"/>.</summary>
    public static IReadOnlyList<IResourceBuilder<ProjectResource>> AddApiReplicas(
        this IDistributedApplicationBuilder builder, int replicas, Action<IResourceBuilder<ProjectResource>> configure)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1);
        if (builder.ExecutionContext.IsPublishMode)
        {
            var api = builder.AddProject<Projects.Chat_Api>(ServiceName).WithReplicas(replicas);
            configure(api);
            return [api];
        }

        return Enumerable.Range(1, replicas).Select(i =>
        {
            var api = builder.AddProject<Projects.Chat_Api>($"{ServiceName}-{i}").WithDirectHttpEndpoint(LocalPorts.Free());
            configure(api);
            return api;
        }).ToList();
    }

    /// <summary>
    /// Gives <paramref name="front"/> every replica's address as the one service "api"
    /// (services__api__http__0, __1, …), and waits for them all.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithApiReplicas(
        this IResourceBuilder<ProjectResource> front, IReadOnlyList<IResourceBuilder<ProjectResource>> replicas)
    {
        if (front.ApplicationBuilder.ExecutionContext.IsPublishMode) return front.WithReference(replicas[0]).WaitFor(replicas[0]);

        for (var i = 0; i < replicas.Count; i++)
        {
            front.WithEnvironment($"services__{ServiceName}__http__{i}", replicas[i].GetEndpoint("http"))
                .WithReferenceRelationship(replicas[i])
                .WaitFor(replicas[i]);
        }
        return front;
    }
}

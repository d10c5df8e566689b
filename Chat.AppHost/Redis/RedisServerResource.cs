namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// redis-server as a local process, for machines without a container engine. It keeps no data
/// on disk: Chat keeps only short-lived state in Redis (backplane, presence, rate limits).
/// </summary>
public sealed class RedisServerResource : ExecutableResource, IResourceWithConnectionString
{
    public RedisServerResource(string name, string workingDirectory) : base(name, "redis-server", workingDirectory)
    {
        PrimaryEndpoint = new EndpointReference(this, "tcp");
    }

    public EndpointReference PrimaryEndpoint { get; }

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.HostAndPort)}");
}

namespace Aspire.Hosting.ApplicationModel;

/// <summary>What a MongoDB server resource offers, whatever runs it (container, mongod, stand-in).</summary>
public interface IMongoServerResource : IResourceWithConnectionString
{
    /// <summary>The connection string for one database on this server (null: the server itself).</summary>
    ReferenceExpression BuildConnectionString(string? databaseName);
}

/// <summary>
/// Builds <c>mongodb://[user:password@]host:port/[database]?options</c> over an endpoint, the
/// shape every form of the server shares. directConnection=true: a single server, never a
/// replica-set discovery (the stand-in is not a replica set and a lone mongod need not be).
/// </summary>
internal sealed class MongoConnectionStrings(EndpointReference endpoint, ParameterResource? password)
{
    public const string UserName = "admin";

    public ReferenceExpression Build(string? databaseName)
    {
        var builder = new ReferenceExpressionBuilder();
        builder.AppendLiteral("mongodb://");
        if (password is not null)
        {
            builder.AppendLiteral($"{UserName}:");
            builder.AppendFormatted(password);
            builder.AppendLiteral("@");
        }
        builder.Append($"{endpoint.Property(EndpointProperty.HostAndPort)}");
        builder.AppendLiteral($"/{databaseName}?directConnection=true");
        if (password is not null)
        {
            builder.AppendLiteral("&authSource=admin");
        }
        return builder.Build();
    }
}

/// <summary>MongoDB in the official container image, with a root user and a data volume.</summary>
public sealed class MongoContainerResource : ContainerResource, IMongoServerResource
{
    private readonly MongoConnectionStrings _connectionStrings;

    public MongoContainerResource(string name, ParameterResource password) : base(name)
    {
        Password = password;
        PrimaryEndpoint = new EndpointReference(this, "tcp");
        _connectionStrings = new MongoConnectionStrings(PrimaryEndpoint, password);
    }

    public ParameterResource Password { get; }
    public EndpointReference PrimaryEndpoint { get; }
    public ReferenceExpression ConnectionStringExpression => BuildConnectionString(null);
    public ReferenceExpression BuildConnectionString(string? databaseName) => _connectionStrings.Build(databaseName);
}

/// <summary>
/// MongoDB as a local process: a real <c>mongod</c> when one is installed, otherwise the
/// in-memory MongoDB-wire stand-in (see <see cref="IsStandIn"/>).
/// </summary>
public sealed class MongoExecutableResource : ExecutableResource, IMongoServerResource
{
    private readonly MongoConnectionStrings _connectionStrings;

    public MongoExecutableResource(string name, string command, string workingDirectory, bool isStandIn)
        : base(name, command, workingDirectory)
    {
        IsStandIn = isStandIn;
        PrimaryEndpoint = new EndpointReference(this, "tcp");
        _connectionStrings = new MongoConnectionStrings(PrimaryEndpoint, password: null);
    }

    /// <summary>True for the in-memory stand-in: data is lost on restart and it slows with volume.</summary>
    public bool IsStandIn { get; }
    public EndpointReference PrimaryEndpoint { get; }
    public ReferenceExpression ConnectionStringExpression => BuildConnectionString(null);
    public ReferenceExpression BuildConnectionString(string? databaseName) => _connectionStrings.Build(databaseName);
}

/// <summary>A database on a MongoDB server; referencing it gives a service <c>ConnectionStrings__{name}</c>.</summary>
public sealed class MongoDatabaseResource(string name, string databaseName, IMongoServerResource parent)
    : Resource(name), IResourceWithParent<IMongoServerResource>, IResourceWithConnectionString
{
    public string DatabaseName { get; } = databaseName;
    public IMongoServerResource Parent { get; } = parent;
    public ReferenceExpression ConnectionStringExpression => Parent.BuildConnectionString(DatabaseName);
}

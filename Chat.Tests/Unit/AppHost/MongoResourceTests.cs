using Chat.AppHost.Infrastructure;
using Chat.AppHost.MongoDB;
using Chat.Tests.Support;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Chat.Tests.Unit.AppHost;

public class MongoResourceTests
{
    [Fact]
    public async Task Stand_in_database_connection_string_names_the_database_and_connects_directly()
    {
        var builder = DistributedApplication.CreateBuilder();
        builder.Configuration["Mongo:StandInPath"] = RepositoryPaths.MongoStandIn;
        var server = builder.AddMongo("mongo", InfrastructureMode.Executables, new InfrastructureReport());
        var database = server.AddDatabase("chatdb");
        Allocate(server.Resource, "localhost", 27017);

        Assert.Equal("mongodb://localhost:27017/?directConnection=true",
            await server.Resource.ConnectionStringExpression.GetValueAsync(default));
        Assert.Equal("mongodb://localhost:27017/chatdb?directConnection=true",
            await database.Resource.ConnectionStringExpression.GetValueAsync(default));
        var standIn = Assert.IsType<MongoExecutableResource>(server.Resource);
        Assert.True(standIn.IsStandIn);
    }

    [Fact]
    public async Task Container_database_connection_string_authenticates_as_the_root_user()
    {
        var builder = DistributedApplication.CreateBuilder();
        builder.Configuration["Parameters:mongo-password"] = "s3cret";
        var server = builder.AddMongo("mongo", InfrastructureMode.Containers, new InfrastructureReport());
        var database = server.AddDatabase("chatdb", databaseName: "chat");
        Allocate(server.Resource, "localhost", 32768);

        Assert.Equal("mongodb://admin:s3cret@localhost:32768/chat?directConnection=true&authSource=admin",
            await database.Resource.ConnectionStringExpression.GetValueAsync(default));
        var image = server.Resource.Annotations.OfType<ContainerImageAnnotation>().Single();
        Assert.Equal(("library/mongo", "8"), (image.Image, image.Tag));
        Assert.Contains(server.Resource.Annotations.OfType<ContainerMountAnnotation>(), m => m.Target == "/data/db");
    }

    [Fact]
    public async Task Health_check_is_unhealthy_until_the_port_is_allocated()
    {
        using var check = new MongoPingHealthCheck(_ => ValueTask.FromResult<string?>(null));
        var context = new HealthCheckContext
        {
            Registration = new HealthCheckRegistration("mongo", check, HealthStatus.Unhealthy, tags: null),
        };

        Assert.Equal(HealthStatus.Unhealthy, (await check.CheckHealthAsync(context)).Status);
    }

    private static void Allocate(IResource resource, string host, int port)
    {
        var endpoint = resource.Annotations.OfType<EndpointAnnotation>().Single();
        endpoint.AllocatedEndpoint = new AllocatedEndpoint(endpoint, host, port);
    }
}

using Chat.Tests.Support;

namespace Chat.Tests.Cluster;

/// <summary>A signed-up user with a REST client on each of the two API replicas, sharing one session.</summary>
public sealed record ReplicaPerson(UserDto User, ChatApiClient OnA, ChatApiClient OnB) : IDisposable
{
    public string Id => User.Id;
    public string Token => OnA.SessionToken!;

    public static async Task<ReplicaPerson> SignUpAsync(ClusterFixture cluster, string name)
    {
        var onA = ChatApiClient.For(cluster.ApiReplicas[0]);
        var user = await onA.NewUserAsync(name);
        return new ReplicaPerson(user, onA, ChatApiClient.For(cluster.ApiReplicas[1]).WithSession(onA.SessionToken!));
    }

    public void Dispose()
    {
        OnA.Dispose();
        OnB.Dispose();
    }
}

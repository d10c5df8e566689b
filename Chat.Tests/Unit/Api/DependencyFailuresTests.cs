using Chat.Api.Infrastructure;
using MongoDB.Driver;
using StackExchange.Redis;

namespace Chat.Tests.Unit.Api;

public class DependencyFailuresTests
{
    [Fact]
    public void The_stores_not_answering_is_unavailable_however_deeply_it_is_wrapped()
    {
        Assert.True(DependencyFailures.IsUnavailable(new RedisTimeoutException("timeout", CommandStatus.Sent)));
        Assert.True(DependencyFailures.IsUnavailable(new TimeoutException()));
        Assert.True(DependencyFailures.IsUnavailable(new AggregateException(new InvalidOperationException("outer", new RedisConnectionException(ConnectionFailureType.SocketFailure, "gone")))));
        Assert.True(DependencyFailures.IsUnavailable(new MongoClientException("wrapper", new TimeoutException())));
    }

    [Fact]
    public void An_invalid_operation_of_our_own_stays_a_bug_even_with_the_pipes_wording()
    {
        // Only one raised inside StackExchange.Redis's connection reader means Redis dropped the
        // connection; the same exception thrown anywhere else is a 500 to fix.
        Exception? ours = null;
        try
        {
            throw new InvalidOperationException("Reading is not allowed after reader was completed.");
        }
        catch (InvalidOperationException thrown)
        {
            ours = thrown;
        }
        Assert.False(DependencyFailures.IsUnavailable(ours));
        Assert.False(DependencyFailures.IsUnavailable(new InvalidOperationException("Sequence contains no elements")));
    }
}

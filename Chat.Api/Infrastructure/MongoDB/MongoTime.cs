namespace Chat.Api.Infrastructure.MongoDB;

public static class MongoTime
{
    /// <summary>
    /// Now, cut to the millisecond MongoDB keeps, so what a write returns equals what later
    /// reads return.
    /// </summary>
    public static DateTime UtcNowForStorage(this TimeProvider time)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
    }
}

using MongoDB.Driver;

namespace Chat.Api.Infrastructure.MongoDB;

public static class MongoErrors
{
    private const int DuplicateKey = 11000;

    /// <summary>
    /// A unique index refused the write. mongod reports it as a write error; the MongoDB-wire
    /// stand-in as a command error with the same code: both shapes mean the same thing.
    /// </summary>
    public static bool IsDuplicateKey(this MongoException exception) => exception switch
    {
        MongoWriteException write => write.WriteError?.Code == DuplicateKey,
        MongoBulkWriteException bulk => bulk.WriteErrors.Any(e => e.Code == DuplicateKey),
        MongoCommandException command => command.Code == DuplicateKey,
        _ => false,
    };

    /// <summary>A duplicate key refused by this index (its name is in the error, from mongod and the stand-in alike).</summary>
    public static bool IsDuplicateOn(this MongoException exception, string index) =>
        exception.IsDuplicateKey() && exception.Message.Contains($"index: {index} ", StringComparison.Ordinal);

    /// <summary>Inserts the document; false when a unique index refused it (it, or its twin, is already there).</summary>
    public static async Task<bool> TryInsertOneAsync<T>(this IMongoCollection<T> collection, T document, CancellationToken cancellationToken)
    {
        try
        {
            await collection.InsertOneAsync(document, cancellationToken: cancellationToken);
            return true;
        }
        catch (MongoException ex) when (ex.IsDuplicateKey())
        {
            return false;
        }
    }
}

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
}

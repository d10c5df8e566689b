using Chat.Api.Accounts;
using Chat.Api.Infrastructure.MongoDB;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Chat.Tests.Support;

/// <summary>
/// Many users at once for presence tests, written straight into the cluster's database with
/// session tokens forged under the cluster's key: signing 500 users up would spend most of a
/// minute hashing passwords, which is not what those tests are about.
/// </summary>
public static class DirectUsers
{
    public static async Task<List<(string Id, string Token)>> CreateAsync(string connectionString, string signingKey, int count, string name)
    {
        MongoDatabaseRegistration.RegisterConventions();
        var url = MongoUrl.Create(connectionString);
        using var client = new MongoClient(url);
        var store = new UserStore(client.GetDatabase(url.DatabaseName));
        var users = new List<(string, string)>();
        foreach (var i in Enumerable.Range(0, count))
        {
            var stamp = UserStore.NewSessionStamp();
            var fullName = $"{name} {i}";
            var user = new UserDocument
            {
                Id = ObjectId.GenerateNewId().ToString(), Email = ChatApiClient.NewEmail(name.Replace(' ', '-')), FullName = fullName,
                FullNameKey = UserDocument.KeyOf(fullName), NameWords = UserDocument.WordsOf(fullName),
                PasswordHash = "not-a-hash", CreatedAt = DateTime.UtcNow, SessionStamp = stamp,
            };
            Assert.True(await store.TryCreateAsync(user, default));
            users.Add((user.Id, TokenForge.Signed(signingKey, user.Id, stamp)));
        }
        return users;
    }
}

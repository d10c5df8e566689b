using Chat.Api.Infrastructure.MongoDB;
using Chat.Api.Messaging;
using MongoDB.Driver;

namespace Chat.Api.Groups;

/// <summary>
/// The <c>group_members</c> collection, and the group fields (name, avatar) of a group's
/// document in <c>conversations</c> (its summary and read seqs are <see cref="MessageStore"/>'s).
/// </summary>
public sealed class GroupStore(IMongoDatabase database)
{
    private readonly IMongoCollection<GroupMemberDocument> _members = database.GetCollection<GroupMemberDocument>("group_members");
    private readonly IMongoCollection<ConversationDocument> _conversations = database.GetCollection<ConversationDocument>("conversations");
    private static readonly FilterDefinitionBuilder<GroupMemberDocument> F = Builders<GroupMemberDocument>.Filter;
    private static readonly FilterDefinitionBuilder<ConversationDocument> C = Builders<ConversationDocument>.Filter;

    public static async Task CreateIndexesAsync(IMongoDatabase database, CancellationToken cancellationToken)
    {
        var keys = Builders<GroupMemberDocument>.IndexKeys;
        await database.GetCollection<GroupMemberDocument>("group_members").Indexes.CreateManyAsync(
        [
            // A group's members (its snapshot), and a user's groups (the list, the hub's groups on connect).
            new(keys.Ascending(m => m.GroupId), new CreateIndexOptions { Name = "groupId" }),
            new(keys.Ascending(m => m.UserId), new CreateIndexOptions { Name = "userId" }),
        ], cancellationToken);
    }

    public Task InsertGroupAsync(ConversationDocument group, CancellationToken cancellationToken) =>
        _conversations.InsertOneAsync(group, cancellationToken: cancellationToken);

    public async Task<ConversationDocument?> FindGroupAsync(string groupId, CancellationToken cancellationToken) =>
        await _conversations.Find(C.Eq(c => c.Id, groupId) & C.Eq(c => c.Kind, ConversationDocument.Group)).FirstOrDefaultAsync(cancellationToken);

    public async Task<List<ConversationDocument>> FindGroupsAsync(IReadOnlyCollection<string> groupIds, CancellationToken cancellationToken) =>
        groupIds.Count == 0 ? [] : await _conversations.Find(C.In(c => c.Id, groupIds)).ToListAsync(cancellationToken);

    public Task SetNameAsync(string groupId, string name, CancellationToken cancellationToken) =>
        _conversations.UpdateOneAsync(C.Eq(c => c.Id, groupId), Builders<ConversationDocument>.Update.Set(c => c.Name, name),
            cancellationToken: cancellationToken);

    public Task SetAvatarAsync(string groupId, string avatarUrl, CancellationToken cancellationToken) =>
        _conversations.UpdateOneAsync(C.Eq(c => c.Id, groupId), Builders<ConversationDocument>.Update.Set(c => c.AvatarUrl, avatarUrl),
            cancellationToken: cancellationToken);

    /// <summary>Every membership of the group, former ones included.</summary>
    public async Task<List<GroupMemberDocument>> MembersOfAsync(string groupId, CancellationToken cancellationToken) =>
        await _members.Find(F.Eq(m => m.GroupId, groupId)).ToListAsync(cancellationToken);

    /// <summary>Every membership of the user, former ones included.</summary>
    public async Task<List<GroupMemberDocument>> MembershipsOfAsync(string userId, CancellationToken cancellationToken) =>
        await _members.Find(F.Eq(m => m.UserId, userId)).ToListAsync(cancellationToken);

    public Task InsertMembersAsync(IReadOnlyList<GroupMemberDocument> members, CancellationToken cancellationToken) =>
        _members.InsertManyAsync(members, cancellationToken: cancellationToken);

    /// <summary>A first membership; false when the user has one already (another add won).</summary>
    public Task<bool> TryInsertMemberAsync(GroupMemberDocument member, CancellationToken cancellationToken) =>
        _members.TryInsertOneAsync(member, cancellationToken);

    /// <summary>
    /// Writes <paramref name="changed"/> over the membership if it is still at
    /// <paramref name="read"/>'s version; the membership as stored (one version on), or null when
    /// another change came first.
    /// </summary>
    public async Task<GroupMemberDocument?> TryUpdateMemberAsync(GroupMemberDocument read, GroupMemberDocument changed, CancellationToken cancellationToken)
    {
        var result = await _members.UpdateOneAsync(
            F.Eq(m => m.Id, read.Id) & F.Eq(m => m.Version, read.Version),
            Builders<GroupMemberDocument>.Update
                .Set(m => m.Role, changed.Role)
                .Set(m => m.Current, changed.Current)
                .Set(m => m.Pending, changed.Pending)
                .Set(m => m.ChangedAt, changed.ChangedAt)
                .Set(m => m.JoinedAt, changed.JoinedAt)
                .Set(m => m.LeftAt, changed.LeftAt)
                .Set(m => m.Windows, changed.Windows)
                .Set(m => m.Listed, changed.Listed)
                .Set(m => m.Version, read.Version + 1),
            cancellationToken: cancellationToken);
        return result.ModifiedCount > 0 ? changed with { Version = read.Version + 1 } : null;
    }
}

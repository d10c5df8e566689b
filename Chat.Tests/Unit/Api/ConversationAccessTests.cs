using Chat.Api.Groups;
using Chat.Api.Messaging;

namespace Chat.Tests.Unit.Api;

/// <summary>The group half of the one access rule: who may read which seqs, who may write, and what everyone else sees (404).</summary>
public class ConversationAccessTests
{
    private const string GroupId = "0123456789abcdef01234567";
    private static readonly DateTime Now = new(2026, 12, 1, 12, 0, 0, DateTimeKind.Utc);

    private static GroupMemberDocument Member(string userId, SeqWindow[] windows, bool current = true, bool pending = false, string role = GroupRoles.Member) => new()
    {
        Id = GroupMemberDocument.IdOf(GroupId, userId), GroupId = GroupId, UserId = userId, Role = role,
        Current = current, Pending = pending, ChangedAt = Now, JoinedAt = Now, Windows = windows, Version = 1,
    };

    // Ann since the start; Ben from 5 to 9 and again from 20; Cat from 3 to 7, gone; Dan being added (no window yet).
    private static readonly GroupSnapshot Group = new(
        new ConversationDocument { Id = GroupId, Kind = ConversationDocument.Group, Name = "Team", CreatedAt = Now },
        new[]
        {
            Member("ann", [new(1, null)], role: GroupRoles.Owner),
            Member("ben", [new(5, 9), new(20, null)]),
            Member("cat", [new(3, 7)], current: false),
            Member("dan", [], pending: true),
        }.ToDictionary(m => m.UserId));

    private static MessageDocument MessageAt(long seq) => new()
    {
        Id = "aaaaaaaaaaaaaaaaaaaaaaaa", ConversationId = GroupId, Seq = seq, ClientMessageId = $"c{seq}", SenderId = "ann", CreatedAt = Now,
    };

    [Theory]
    [InlineData("eve")] // never a member
    [InlineData("dan")] // claimed by an add that has not opened a window yet
    public void Someone_never_in_the_group_gets_the_same_404_as_for_no_group(string userId)
    {
        foreach (var need in new[] { ConversationNeed.Read, ConversationNeed.Write })
        {
            Assert.Equal((null, ConversationAccess.NoGroup), ConversationAccess.Decide(userId, Group, need));
            Assert.Equal((null, ConversationAccess.NoGroup), ConversationAccess.Decide(userId, null, need));
        }
    }

    [Fact]
    public void A_former_member_reads_their_window_and_may_not_write()
    {
        var (grant, error) = ConversationAccess.Decide("cat", Group, ConversationNeed.Read);
        Assert.Null(error);
        Assert.False(grant!.IsMember);
        Assert.Equal([new SeqWindow(3, 7)], grant.Windows!);
        Assert.Equal(7, grant.ReadableUpTo(lastSeq: 30));
        Assert.Equal((null, ConversationAccess.Left), ConversationAccess.Decide("cat", Group, ConversationNeed.Write));
    }

    [Theory]
    [InlineData("ben", 4, false)]
    [InlineData("ben", 5, true)]
    [InlineData("ben", 9, true)]
    [InlineData("ben", 10, false)] // the gap between two windows stays closed
    [InlineData("ben", 19, false)]
    [InlineData("ben", 20, true)]
    [InlineData("ben", 500, true)]
    [InlineData("cat", 2, false)]
    [InlineData("cat", 7, true)]
    [InlineData("cat", 8, false)]
    [InlineData("ann", 1, true)]
    public void A_member_reads_exactly_the_seqs_inside_their_windows(string userId, long seq, bool readable)
    {
        var (grant, _) = ConversationAccess.Decide(userId, Group, ConversationNeed.Read);
        Assert.Equal(readable, grant!.CanRead(seq));
        var (ofMessage, error) = ConversationAccess.DecideForMessage(userId, MessageAt(seq), Group, ConversationNeed.Read);
        Assert.Equal(readable, ofMessage is not null);
        if (!readable) Assert.Equal(404, error!.Status);
    }

    [Fact]
    public void A_message_outside_the_window_is_404_even_to_a_former_member_while_one_inside_is_403_to_write()
    {
        Assert.Equal(404, ConversationAccess.DecideForMessage("cat", MessageAt(8), Group, ConversationNeed.Write).Error!.Status);
        Assert.Equal(ConversationAccess.Left, ConversationAccess.DecideForMessage("cat", MessageAt(6), Group, ConversationNeed.Write).Error);
        Assert.NotNull(ConversationAccess.DecideForMessage("ben", MessageAt(25), Group, ConversationNeed.Write).Grant);
    }

    [Fact]
    public void The_viewers_of_a_group_are_its_members_now_and_each_sees_their_own_role()
    {
        var (grant, _) = ConversationAccess.Decide("ann", Group, ConversationNeed.Write);
        Assert.Equal(["ann", "ben"], grant!.Viewers.Order());
        Assert.Equal(2, Group.MemberCount);
        Assert.Equal(("owner", (DateTime?)null), (Group.InfoFor("ann").MyRole, Group.InfoFor("ann").LeftAt));
        Assert.Null(Group.InfoFor("cat").MyRole);
    }

    [Fact]
    public void A_pair_grant_reads_everything_and_its_viewers_are_the_two_people()
    {
        var grant = new ConversationGrant("ann", "ann_ben", "ben", null);
        Assert.True(grant.IsMember);
        Assert.Null(grant.Windows);
        Assert.True(grant.CanRead(1_000_000));
        Assert.Equal(["ann", "ben"], grant.Viewers);
    }
}

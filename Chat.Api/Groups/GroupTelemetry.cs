using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Chat.Api.Groups;

/// <summary>The groups' spans and meters (names start "Chat." so ServiceDefaults exports them).</summary>
public sealed class GroupTelemetry
{
    public const string Name = "Chat.Api.Groups";
    public static readonly ActivitySource Source = new(Name);

    public GroupTelemetry(IMeterFactory meters)
    {
        var meter = meters.Create(Name);
        Created = meter.CreateCounter<long>("chat.groups.created", description: "Groups created.");
        Changes = meter.CreateCounter<long>("chat.groups.changes",
            description: "Membership and group changes recorded in a timeline, by type (added, removed, left, role, renamed, avatar).");
        MembersAdded = meter.CreateHistogram<int>("chat.groups.members_added", unit: "{member}",
            description: "People one creation or add brought into a group.");
    }

    public Counter<long> Created { get; }
    public Counter<long> Changes { get; }
    public Histogram<int> MembersAdded { get; }

    public void Changed(string type) => Changes.Add(1, new KeyValuePair<string, object?>("chat.group.change", type));
}

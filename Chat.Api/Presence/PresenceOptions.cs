using System.ComponentModel.DataAnnotations;

namespace Chat.Api.Presence;

/// <summary>Presence timing (section "Presence"), checked when the replica starts.</summary>
public sealed class PresenceOptions : IValidatableObject
{
    public const string Section = "Presence";

    /// <summary>How long a replica's connections count without a heartbeat: a crashed replica's users go offline after this (plus one sweep).</summary>
    public TimeSpan Expiry { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often each replica renews its registration and sweeps replicas that stopped renewing.</summary>
    public TimeSpan Heartbeat { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A user whose last connection closed is shown offline only if no connection returns within this (a page reload).</summary>
    public TimeSpan OfflineGrace { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Presence changes are sent to clients in batches at most this often, per replica.</summary>
    public TimeSpan BatchInterval { get; set; } = TimeSpan.FromMilliseconds(300);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Heartbeat <= TimeSpan.Zero || Heartbeat >= Expiry)
        {
            yield return new ValidationResult(
                $"Presence:Heartbeat ({Heartbeat}) must be positive and shorter than Presence:Expiry ({Expiry}), or live replicas would be swept.",
                [nameof(Heartbeat), nameof(Expiry)]);
        }
        if (OfflineGrace < TimeSpan.Zero) yield return new ValidationResult("Presence:OfflineGrace must not be negative.", [nameof(OfflineGrace)]);
        if (BatchInterval <= TimeSpan.Zero) yield return new ValidationResult("Presence:BatchInterval must be positive.", [nameof(BatchInterval)]);
    }
}

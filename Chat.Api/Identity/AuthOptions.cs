using System.ComponentModel.DataAnnotations;

namespace Chat.Api.Identity;

/// <summary>Session settings (section "Auth"), checked when the replica starts.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>The HMAC key of the session tokens, the same on every replica (the AppHost's secret parameter "auth-signing-key").</summary>
    [Required(ErrorMessage = "Auth:SigningKey must be set (the AppHost passes its 'auth-signing-key' parameter).")]
    [MinLength(32, ErrorMessage = "Auth:SigningKey must be at least 32 characters.")]
    public string SigningKey { get; set; } = "";

    /// <summary>How long a session lasts from log-in.</summary>
    [Range(typeof(TimeSpan), "00:05:00", "90.00:00:00", ErrorMessage = "Auth:SessionLifetime must be between 5 minutes and 90 days.")]
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromDays(7);
}

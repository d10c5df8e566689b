using System.ComponentModel.DataAnnotations;

namespace Chat.Api.Media;

/// <summary>Uploads and the local image store (section "Media"), checked when the replica starts.</summary>
public sealed class MediaOptions
{
    public const string Section = "Media";

    /// <summary>The largest image accepted, in bytes (clients learn it from GET /api/limits).</summary>
    [Range(64 * 1024, 100 * 1024 * 1024, ErrorMessage = "Media:MaxUploadBytes must be 64 KB to 100 MB.")]
    public long MaxUploadBytes { get; set; } = RequestBodyLimits.DefaultMaxUploadBytes;

    /// <summary>Images decoded and re-encoded at once by one replica; more wait, up to <see cref="ImageWorkWait"/>.</summary>
    [Range(1, 64, ErrorMessage = "Media:MaxConcurrentImageWork must be 1 to 64.")]
    public int MaxConcurrentImageWork { get; set; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>How long an upload waits for a turn before it is told to come back (503 with Retry-After).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00", ErrorMessage = "Media:ImageWorkWait must be at most a minute.")]
    public TimeSpan ImageWorkWait { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The most bytes of images one user may have stored.</summary>
    [Range(1024 * 1024, long.MaxValue, ErrorMessage = "Media:QuotaBytesPerUser must be at least 1 MB.")]
    public long QuotaBytesPerUser { get; set; } = 500L * 1024 * 1024;

    /// <summary>An upload no message or avatar uses is removed after this long.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00", ErrorMessage = "Media:UnusedLifetime must be 1 minute to 30 days.")]
    public TimeSpan UnusedLifetime { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How often some replica looks for unused uploads to remove.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Media:SweepInterval must be 1 second to 1 day.")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The local store's directory, shared by the replicas (the AppHost gives .data/media); unset: ".media" under the content root.</summary>
    public string? LocalPath { get; set; }
}

/// <summary>
/// Cloudinary, used instead of the local store when <c>CLOUDINARY_URL</c> is set
/// (<c>cloudinary://api_key:api_secret@cloud_name</c>); <c>Cloudinary:ApiBaseUrl</c> points tests at a local endpoint.
/// </summary>
public sealed class CloudinaryOptions : IValidatableObject
{
    public string? Url { get; set; }
    public Uri? ApiBaseUrl { get; set; }

    public CloudinaryAccount? Account => string.IsNullOrWhiteSpace(Url) ? null : CloudinaryAccount.Parse(Url);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(Url) && !CloudinaryAccount.TryParse(Url, out _))
        {
            yield return new ValidationResult("CLOUDINARY_URL must look like cloudinary://api_key:api_secret@cloud_name.", [nameof(Url)]);
        }
    }
}

namespace Chat.Api.Security;

/// <summary>Who the API trusts (section "Security"); the AppHost sets both from the web front.</summary>
public sealed class SecurityOptions
{
    public const string Section = "Security";

    /// <summary>
    /// The origins browsers may call from (the web front's URL, e.g. http://localhost:5180). A
    /// browser request that changes state, or opens the hub, from any other origin is refused.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>
    /// A secret the web front sends in <c>X-Chat-Front</c>: only a request carrying it may say, in
    /// <c>X-Forwarded-For</c>, which address the browser has. Unset: forwarded headers are never trusted.
    /// </summary>
    public string? FrontKey { get; set; }
}

namespace Chat.Api.Identity;

/// <summary>
/// The auth cookie: HttpOnly (scripts cannot read it), SameSite=Strict (no cross-site
/// requests carry it), Secure outside Development (no dev certificate on these machines).
/// </summary>
public static class SessionCookie
{
    public const string Name = "chat_session";

    public static void Write(HttpContext context, string token, DateTimeOffset expiresAt) =>
        context.Response.Cookies.Append(Name, token, Options(context, expiresAt));

    public static void Clear(HttpContext context) =>
        context.Response.Cookies.Delete(Name, Options(context, expiresAt: null));

    private static CookieOptions Options(HttpContext context, DateTimeOffset? expiresAt) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = !context.RequestServices.GetRequiredService<IHostEnvironment>().IsDevelopment(),
        Path = "/",
        Expires = expiresAt,
        IsEssential = true,
    };
}

namespace Chat.Api.Identity;

/// <summary>
/// The auth cookie: HttpOnly (scripts cannot read it), SameSite=Strict (no cross-site request
/// carries it), Path=/. Outside Development it is Secure and named with the <c>__Host-</c>
/// prefix, which browsers accept only from HTTPS, with no Domain and Path=/: no sibling
/// subdomain or plain-HTTP page can set or shadow it. Development keeps the plain name, as these
/// machines have no certificate.
/// </summary>
public static class SessionCookie
{
    public const string DevelopmentName = "chat_session";
    public const string SecureName = "__Host-chat_session";

    public static string Name(HttpContext context) => IsDevelopment(context) ? DevelopmentName : SecureName;

    public static void Write(HttpContext context, string token, DateTimeOffset expiresAt) =>
        context.Response.Cookies.Append(Name(context), token, Options(context, expiresAt));

    public static void Clear(HttpContext context) =>
        context.Response.Cookies.Delete(Name(context), Options(context, expiresAt: null));

    public static string? Read(HttpContext context) => context.Request.Cookies[Name(context)];

    private static CookieOptions Options(HttpContext context, DateTimeOffset? expiresAt) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = !IsDevelopment(context),
        Path = "/",
        Expires = expiresAt,
        IsEssential = true,
    };

    private static bool IsDevelopment(HttpContext context) =>
        context.RequestServices.GetRequiredService<IHostEnvironment>().IsDevelopment();
}

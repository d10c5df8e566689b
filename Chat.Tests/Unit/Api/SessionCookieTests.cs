using Chat.Api.Identity;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;

namespace Chat.Tests.Unit.Api;

public class SessionCookieTests
{
    [Fact]
    public void In_production_the_cookie_is_host_prefixed_secure_httponly_strict_and_site_wide()
    {
        var setCookie = Written(Environments.Production);

        Assert.StartsWith("__Host-chat_session=token;", setCookie);
        foreach (var attribute in new[] { "path=/", "secure", "samesite=strict", "httponly" }) Assert.Contains(attribute, setCookie.ToLowerInvariant());
        Assert.DoesNotContain("domain=", setCookie.ToLowerInvariant());
    }

    [Fact]
    public void In_development_it_is_not_secure_as_there_is_no_certificate_and_keeps_the_plain_name()
    {
        var setCookie = Written(Environments.Development);

        Assert.StartsWith("chat_session=token;", setCookie);
        Assert.DoesNotContain("secure", setCookie.ToLowerInvariant());
        Assert.Contains("httponly", setCookie.ToLowerInvariant());
    }

    private static string Written(string environment)
    {
        var context = new DefaultHttpContext
        {
            RequestServices = new ServiceCollection()
                .AddSingleton<IHostEnvironment>(new HostingEnvironment { EnvironmentName = environment })
                .BuildServiceProvider(),
        };
        SessionCookie.Write(context, "token", DateTimeOffset.UtcNow.AddDays(1));
        return context.Response.Headers.SetCookie.ToString();
    }
}

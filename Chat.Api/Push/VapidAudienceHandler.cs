using System.Net.Http.Headers;
using Lib.Net.Http.WebPush.Authentication;

namespace Chat.Api.Push;

/// <summary>
/// Signs each push request's VAPID token for the endpoint's whole origin. The library leaves a
/// port out of <c>aud</c>, which RFC 8292 §2 defines as the origin (port included): harmless on the
/// push services' port 443, refused by a push service on any other (a local one, the tests').
/// </summary>
public sealed class VapidAudienceHandler(VapidAuthentication vapid) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var origin = request.RequestUri!.GetLeftPart(UriPartial.Authority);
        request.Headers.Authorization = new AuthenticationHeaderValue("vapid", vapid.GetVapidSchemeAuthenticationHeaderValueParameter(origin));
        return base.SendAsync(request, cancellationToken);
    }
}

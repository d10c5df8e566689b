using System.Net;
using System.Net.Sockets;

namespace Chat.Api.Identity;

/// <summary>
/// Where a session signed in, as coarsely as a person needs to recognise it: the client address's
/// network (an IPv4 /24, an IPv6 /48), never the address itself.
/// </summary>
public static class NetworkPlace
{
    public static string? Of(IPAddress? address)
    {
        if (address is null) return null;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        var (bits, prefix) = address.AddressFamily switch
        {
            AddressFamily.InterNetwork => (24, 4),
            AddressFamily.InterNetworkV6 => (48, 16),
            _ => (0, 0),
        };
        if (prefix == 0) return null;
        var bytes = address.GetAddressBytes();
        for (var i = bits / 8; i < bytes.Length; i++) bytes[i] = 0;
        return $"{new IPAddress(bytes)}/{bits}";
    }
}

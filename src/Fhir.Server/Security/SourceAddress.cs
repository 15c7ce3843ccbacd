using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;

namespace Fhir.Server.Security;

/// <summary>
/// The source a request is counted against when it has no client identity: its remote address, with IPv6
/// addresses taken by their /64 network (one host typically holds a whole /64, so single addresses would let it
/// spread a flood over billions of partitions).
/// </summary>
internal static class SourceAddress
{
    /// <summary>The partition key of <paramref name="http"/>'s remote address; <c>unknown</c> when there is none (in-process hosts).</summary>
    public static string Of(HttpContext http) => Of(http.Connection.RemoteIpAddress);

    /// <summary>The partition key of <paramref name="address"/>.</summary>
    public static string Of(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}

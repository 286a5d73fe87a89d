using System.Net;
using System.Net.Sockets;
using OrleansJobs.Handlers.BuiltIn;

namespace OrleansJobs.Outbound;

/// <summary>
/// Where outbound calls may connect, decided on the addresses a host name resolves to at connect time, not on the
/// name: a name on the allow-list that resolves (or is rebound) to a loopback, link-local, private or multicast
/// address is refused unless the allow-list names that address itself, with a port part that admits the port.
/// </summary>
public static class OutboundConnect
{
    /// <summary>A <see cref="SocketsHttpHandler.ConnectCallback"/> that connects only to permitted addresses of the request's host.</summary>
    public static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, HttpJobOptions options, CancellationToken cancellationToken)
    {
        var (host, port) = (context.DnsEndPoint.Host, context.DnsEndPoint.Port);
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        var permitted = addresses.Where(address => !IsInternal(address) || options.NamesAddress(address, port)).ToArray();
        if (permitted.Length == 0)
            throw new HttpRequestException(
                $"Refused to connect to '{host}': it resolves to {string.Join(", ", addresses.Select(a => a.ToString()))}, internal addresses that " +
                $"{HttpJobOptions.SectionName}:AllowedHosts does not name.");
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(permitted, port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Loopback, link-local (169.254.0.0/16, fe80::/10), private (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7), multicast or unspecified.</summary>
    public static bool IsInternal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)) return true;
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
            return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal || address.IsIPv6Multicast;
        var b = address.GetAddressBytes();
        return b[0] is 0 or 10 || b[0] >= 224
            || b[0] == 169 && b[1] == 254
            || b[0] == 172 && b[1] is >= 16 and <= 31
            || b[0] == 192 && b[1] == 168
            || b[0] == 100 && b[1] is >= 64 and <= 127;
    }
}

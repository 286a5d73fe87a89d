using System.Globalization;

namespace OrleansJobs.Outbound;

/// <summary>
/// One allow-list entry: a host name or IP literal (IPv6 in brackets), then <c>:port</c> (that port only), <c>:*</c>
/// (any port, on purpose) or nothing (the web's ports, 80 and 443, only). A bare name must not open every service of
/// a host: an entry <c>api.example.com</c> should not also reach its database or admin port.
/// </summary>
internal readonly record struct AllowedHost(string Host, int? Port, bool AnyPort = false)
{
    public static bool TryParse(string entry, out AllowedHost allowed)
    {
        allowed = default;
        var text = entry.Trim();
        // An IPv6 literal has colons of its own, so its port colon is the one after the closing bracket.
        var bracketed = text.StartsWith('[');
        var hostEnd = bracketed ? text.IndexOf(']') + 1 : text.LastIndexOf(':') is var colon and >= 0 ? colon : text.Length;
        if (hostEnd <= 0)
            return false;
        var host = text[..hostEnd];
        var kind = Uri.CheckHostName(bracketed ? host[1..^1] : host);
        if (bracketed ? kind != UriHostNameType.IPv6 : kind is not (UriHostNameType.Dns or UriHostNameType.IPv4))
            return false;
        if (hostEnd == text.Length)
        {
            allowed = new AllowedHost(host, null);
            return true;
        }
        if (text[hostEnd] != ':')
            return false;
        var portText = text.AsSpan(hostEnd + 1);
        if (portText is "*")
        {
            allowed = new AllowedHost(host, null, AnyPort: true);
            return true;
        }
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            return false;
        allowed = new AllowedHost(host, port);
        return true;
    }

    public bool Matches(Uri url) =>
        string.Equals(url.Host, Host, StringComparison.OrdinalIgnoreCase) && Admits(url.Port);

    /// <summary>Whether a connection to <paramref name="port"/> is allowed by this entry's port part.</summary>
    public bool Admits(int port) => AnyPort || (Port is { } only ? port == only : port is 80 or 443);
}

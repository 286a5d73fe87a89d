using System.Globalization;

namespace OrleansJobs.Outbound;

/// <summary>One allow-list entry: a host name or IP literal (IPv6 in brackets), with a port or without one (any port).</summary>
internal readonly record struct AllowedHost(string Host, int? Port)
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
        int? port = null;
        if (hostEnd < text.Length)
        {
            if (text[hostEnd] != ':' || !int.TryParse(text.AsSpan(hostEnd + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value is < 1 or > 65535)
                return false;
            port = value;
        }
        allowed = new AllowedHost(host, port);
        return true;
    }

    public bool Matches(Uri url) =>
        string.Equals(url.Host, Host, StringComparison.OrdinalIgnoreCase) && (Port is null || Port == url.Port);
}

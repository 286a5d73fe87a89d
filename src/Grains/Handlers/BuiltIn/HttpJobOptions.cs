using OrleansJobs.Outbound;

namespace OrleansJobs.Handlers.BuiltIn;

/// <summary>
/// Settings of the <c>http</c> job type, from the configuration section <c>OrleansJobs:Http</c>. Its host allow-list
/// also bounds where completion callbacks may go.
/// </summary>
public sealed class HttpJobOptions
{
    public const string SectionName = "OrleansJobs:Http";

    /// <summary>
    /// Hosts the <c>http</c> job type may call, compared case-insensitively: <c>api.example.com</c> (ports 80 and 443
    /// only), <c>127.0.0.1:5005</c> (that port only) or <c>10.0.0.7:*</c> (any port). None by default. Configuration
    /// gives an array or one comma-separated string.
    /// Completion callbacks (<see cref="JobSpec.CallbackUrl"/>) may only go to these hosts too.
    /// </summary>
    public List<string> AllowedHosts { get; } = [];

    /// <summary>
    /// Whether an entry of <see cref="AllowedHosts"/> is <paramref name="address"/> itself, with a port part that admits
    /// <paramref name="port"/>: only such an entry lets a call reach an internal address (<see cref="OutboundConnect.IsInternal"/>).
    /// </summary>
    public bool NamesAddress(System.Net.IPAddress address, int port) =>
        AllowedHosts.Any(entry => AllowedHost.TryParse(entry, out var allowed) && allowed.Admits(port)
            && System.Net.IPAddress.TryParse(allowed.Host.Trim('[', ']'), out var named) && named.Equals(address));

    /// <summary>Whether <paramref name="url"/>'s host (and port) is on <see cref="AllowedHosts"/>.</summary>
    public bool Allows(Uri url) =>
        AllowedHosts.Any(entry => AllowedHost.TryParse(entry, out var allowed) && allowed.Matches(url));
}

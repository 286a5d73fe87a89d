namespace OrleansJobs.Server.Auth;

/// <summary>
/// Settings of the <c>OrleansJobs:Auth</c> section. Keys are read from <c>OrleansJobs:Auth:Keys:&lt;name&gt;:Sha256</c>
/// (lowercase hex SHA-256 of the secret) and <c>:Scopes</c> (a list or comma-separated) by <see cref="ApiKeyStore"/>.
/// </summary>
public sealed class JobAuthOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "OrleansJobs:Auth";

    /// <summary>
    /// Answers anonymous requests while no key is configured, even when the service listens on an address other than
    /// loopback. Off by default: without keys the service then refuses to start.
    /// </summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>Opens <c>/metrics</c> to anyone (for Prometheus scrapers on a trusted network); otherwise it needs <c>read</c>.</summary>
    public bool OpenMetrics { get; set; }

    /// <summary>How often keys added or revoked in the job database are picked up, in seconds.</summary>
    public int RefreshSeconds { get; set; } = 3;
}

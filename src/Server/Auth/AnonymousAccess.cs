namespace OrleansJobs.Server.Auth;

/// <summary>
/// Whether requests without a key are served while no key exists: decided once the server listens, by
/// <see cref="AnonymousAccessGuard"/> (loopback alone, or <c>OrleansJobs:Auth:AllowAnonymous=true</c>).
/// </summary>
public sealed class AnonymousAccess
{
    /// <summary>True once the service may answer anonymous requests (only while it has no key).</summary>
    public bool Permitted { get; internal set; }
}

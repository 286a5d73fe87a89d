namespace OrleansJobs.Server.Hosting;

/// <summary>
/// Turns an address the server listens on (<c>--urls</c> or Kestrel's bound addresses, such as <c>http://+:5000</c>,
/// <c>http://0.0.0.0:8080</c> or <c>http://[::]:80</c>) into one this machine can call itself on.
/// </summary>
public static class LoopbackUrl
{
    /// <summary>The address with a wildcard host replaced by <c>localhost</c>; other hosts are kept.</summary>
    public static Uri Of(string listening)
    {
        var url = listening.Trim();
        foreach (var wildcard in (string[])["://+", "://*", "://0.0.0.0", "://[::]"])
            url = url.Replace(wildcard, "://localhost", StringComparison.Ordinal);
        return new Uri(url, UriKind.Absolute);
    }
}

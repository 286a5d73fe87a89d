using System.Security.Cryptography;

namespace OrleansJobs.Server.Auth;

/// <summary>
/// The keys the service accepts: those of configuration (<c>OrleansJobs:Auth:Keys</c>) and those the job database
/// holds (added with the silo's <c>keys</c> command), which <see cref="Replace"/> refreshes. Secrets are matched by
/// their SHA-256 with a fixed-time comparison.
/// </summary>
public sealed class ApiKeyStore
{
    /// <summary>The most keys configuration may hold; more is a mistake, refused at start.</summary>
    public const int MaxKeys = 1000;

    private readonly IReadOnlyList<ApiKey> configured;
    private volatile IReadOnlyList<ApiKey> stored = [];
    private volatile IReadOnlyList<ApiKey> process = [];
    private readonly Lock gate = new();

    /// <summary>Reads the configured keys; a malformed one stops the start with a message naming it.</summary>
    public ApiKeyStore(IConfiguration configuration)
    {
        configured = Read(configuration.GetSection(JobAuthOptions.SectionName + ":Keys"));
    }

    /// <summary>True when no key is known at all, from configuration or the database.</summary>
    public bool IsEmpty => configured.Count == 0 && stored.Count == 0;

    /// <summary>The keys of configuration.</summary>
    public IReadOnlyList<ApiKey> Configured => configured;

    /// <summary>Replaces the keys read from the job database.</summary>
    public void Replace(IReadOnlyList<ApiKey> keys) => stored = keys;

    /// <summary>
    /// Accepts <paramref name="key"/> until the returned handle is disposed: a key the process makes for itself and
    /// holds only in memory (the start-up warm-up's, <see cref="Hosting.StartupWarmUp"/>). It does not count for
    /// <see cref="IsEmpty"/>, so it never changes whether anonymous callers are served.
    /// </summary>
    public IDisposable AcceptForNow(ApiKey key)
    {
        lock (gate) process = [.. process, key];
        return new Withdrawal(this, key);
    }

    /// <summary>The key whose secret is <paramref name="secret"/>, or null.</summary>
    public ApiKey? Find(string secret)
    {
        var hash = ApiKey.Hash(secret);
        ApiKey? found = null;
        foreach (var key in configured.Concat(stored).Concat(process))
        {
            // Every key is compared, so the time taken tells nothing of which one matched.
            if (CryptographicOperations.FixedTimeEquals(hash, key.Sha256)) found ??= key;
        }
        return found;
    }

    private sealed class Withdrawal(ApiKeyStore store, ApiKey key) : IDisposable
    {
        public void Dispose()
        {
            lock (store.gate) store.process = [.. store.process.Where(k => !ReferenceEquals(k, key))];
        }
    }

    private static List<ApiKey> Read(IConfigurationSection section)
    {
        var keys = new List<ApiKey>();
        foreach (var child in section.GetChildren())
        {
            var where = $"{JobAuthOptions.SectionName}:Keys:{child.Key}";
            var hex = child["Sha256"]?.Trim().ToLowerInvariant();
            if (hex is not { Length: 64 } || !hex.All(Uri.IsHexDigit))
                throw new InvalidOperationException($"{where}:Sha256 must be the lowercase hex SHA-256 of the key's secret (64 characters).");
            var scopesSection = child.GetSection("Scopes");
            var scopes = ApiKey.ParseScopes(scopesSection.Value is { } list ? [list] : scopesSection.GetChildren().Select(c => c.Value));
            if (scopes.Count == 0) throw new InvalidOperationException($"{where}:Scopes is empty; give at least one of {string.Join(", ", JobScopes.All)}.");
            keys.Add(new ApiKey(child.Key, Convert.FromHexString(hex), scopes));
        }
        if (keys.Count > MaxKeys) throw new InvalidOperationException($"{section.Path} holds more than {MaxKeys} keys.");
        return keys;
    }
}

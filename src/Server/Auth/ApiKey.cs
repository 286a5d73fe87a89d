namespace OrleansJobs.Server.Auth;

/// <summary>A known API key: its name, the SHA-256 of its secret (the secret itself is never stored) and its scopes.</summary>
/// <param name="Name">What operators call the key (<c>keys revoke &lt;name&gt;</c>); recorded on what it does.</param>
/// <param name="Sha256">The SHA-256 of the secret's UTF-8 bytes.</param>
/// <param name="Scopes">The scopes it grants (<see cref="JobScopes"/>).</param>
public sealed record ApiKey(string Name, byte[] Sha256, IReadOnlyList<string> Scopes)
{
    /// <summary>The SHA-256 of <paramref name="secret"/>'s UTF-8 bytes.</summary>
    public static byte[] Hash(string secret) => System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret));

    /// <summary>A new random secret: 32 bytes, base64url, behind the recognisable prefix <c>oj_</c>.</summary>
    public static string NewSecret() =>
        "oj_" + Microsoft.AspNetCore.WebUtilities.Base64UrlTextEncoder.Encode(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    /// <summary>Splits a comma- or space-separated list of scopes, refusing unknown ones.</summary>
    public static IReadOnlyList<string> ParseScopes(IEnumerable<string?> values)
    {
        var scopes = values.SelectMany(v => (v ?? "").Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(s => s.ToLowerInvariant()).Distinct().ToList();
        var unknown = scopes.Except(JobScopes.All).ToList();
        if (unknown.Count > 0)
            throw new InvalidOperationException($"Unknown scope(s) {string.Join(", ", unknown)}; the scopes are {string.Join(", ", JobScopes.All)}.");
        return scopes;
    }
}

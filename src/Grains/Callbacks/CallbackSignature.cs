using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace OrleansJobs.Callbacks;

/// <summary>
/// The signature of a completion callback, in its <see cref="HeaderName"/> header: <c>t=&lt;unix seconds&gt;,v1=&lt;hex&gt;</c>,
/// where the hex is the HMAC-SHA256, keyed with the signing secret, of <c>"&lt;t&gt;.&lt;body&gt;"</c> (the body as sent, UTF-8).
/// The time is signed with the body, so a receiver that checks it also refuses an old callback replayed later.
/// This class has no dependencies: receivers may copy it.
/// </summary>
public static class CallbackSignature
{
    public const string HeaderName = "X-OrleansJobs-Signature";

    /// <summary>The header value for <paramref name="body"/> sent at <paramref name="timestamp"/>.</summary>
    public static string Create(string secret, DateTimeOffset timestamp, string body) => Create([secret], timestamp, body);

    /// <summary>
    /// The header value with one <c>v1</c> signature per secret, in order (<c>t=…,v1=…,v1=…</c>): while a secret is
    /// rotated, receivers holding either one verify the callback.
    /// </summary>
    public static string Create(IReadOnlyList<string> secrets, DateTimeOffset timestamp, string body)
    {
        var t = timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"t={t}" + string.Concat(secrets.Select(secret => $",v1={Convert.ToHexStringLower(Compute(secret, t, body))}"));
    }

    /// <summary>
    /// Whether <paramref name="header"/> (the <see cref="HeaderName"/> value) signs <paramref name="body"/> (the request body
    /// exactly as received) with <paramref name="secret"/>, at a time no further than <paramref name="tolerance"/> from
    /// <paramref name="now"/> (default: the current time). Any one of several <c>v1</c> entries may match.
    /// </summary>
    public static bool Verify(string secret, string? header, string body, TimeSpan tolerance, DateTimeOffset? now = null)
    {
        if (string.IsNullOrEmpty(secret) || string.IsNullOrEmpty(header)) return false;
        string? t = null;
        var signatures = new List<byte[]>();
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries))
        {
            var separator = part.IndexOf('=');
            if (separator <= 0) continue;
            var (key, value) = (part[..separator], part[(separator + 1)..]);
            if (key == "t") t = value;
            else if (key == "v1" && value.Length == 64 && value.All(char.IsAsciiHexDigit)) signatures.Add(Convert.FromHexString(value));
        }
        if (t is null || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
            return false;
        var age = (now ?? DateTimeOffset.UtcNow) - DateTimeOffset.FromUnixTimeSeconds(seconds);
        if (age.Duration() > tolerance) return false;
        var expected = Compute(secret, t, body);
        return signatures.Any(signature => CryptographicOperations.FixedTimeEquals(signature, expected));
    }

    private static byte[] Compute(string secret, string t, string body) =>
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{body}"));
}

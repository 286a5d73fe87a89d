using System.Security.Cryptography;
using System.Text;

namespace OrleansJobs.Jobs;

/// <summary>
/// Job ids are "job_" followed by 32 lowercase hex digits. The prefix keeps them from looking like hex
/// numbers (which collide in the ADO.NET key hash); new ids are version-7 GUIDs, so they sort by creation time.
/// </summary>
public static class JobIds
{
    public const string Prefix = "job_";

    public static string New() => Prefix + Guid.CreateVersion7().ToString("N");

    /// <summary>The id an idempotency key maps to: the same key always names the same job, across restarts.</summary>
    public static string FromIdempotencyKey(string key)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes("idempotency:" + key), hash);
        return Prefix + Convert.ToHexStringLower(hash[..16]);
    }

    public static bool IsValid(string? id) =>
        id is { Length: 36 } && id.StartsWith(Prefix, StringComparison.Ordinal) && id.AsSpan(4).IndexOfAnyExcept("0123456789abcdef") < 0;
}

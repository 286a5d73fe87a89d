using System.Security.Cryptography;
using System.Text;
using OrleansJobs.Jobs;

namespace OrleansJobs.Batches;

/// <summary>
/// Batch ids are "batch_" followed by 32 lowercase hex digits. A batch's member and continuation ids are derived from
/// its id, so that submitting the same batch again (same Idempotency-Key) names the same jobs and creates none twice.
/// </summary>
public static class BatchIds
{
    public const string Prefix = "batch_";

    /// <summary>A new id, ordered by creation time like <see cref="JobIds.New"/>.</summary>
    public static string New() => Prefix + JobIds.New()[JobIds.Prefix.Length..];

    /// <summary>The id an idempotency key maps to: the same key of the same owner always names the same batch.</summary>
    public static string FromIdempotencyKey(string key, string? owner = null) => Prefix + Hash(JobIds.OwnedKey("batch-idempotency:", key, owner));

    /// <summary>The job id of the member at <paramref name="index"/>.</summary>
    public static string Member(string batchId, int index) => JobIds.Prefix + Hash($"batch-member:{batchId}:{index}");

    /// <summary>The job id of the batch's continuation.</summary>
    public static string Continuation(string batchId) => JobIds.Prefix + Hash("batch-continuation:" + batchId);

    public static bool IsValid(string? id) =>
        id is { Length: 38 } && id.StartsWith(Prefix, StringComparison.Ordinal) && id.AsSpan(Prefix.Length).IndexOfAnyExcept("0123456789abcdef") < 0;

    private static string Hash(string text)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        return Convert.ToHexStringLower(hash[..16]);
    }
}

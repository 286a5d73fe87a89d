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

    private static readonly Lock Gate = new();
    private static long _lastMilliseconds;
    private static int _counter;

    /// <summary>
    /// A new id: a version-7 UUID (48-bit millisecond time, then random bits) whose 12 "rand_a" bits count ids made in
    /// the same millisecond (RFC 9562, method 1), so that ids from one process strictly increase: jobs submitted in
    /// the same millisecond still list in submission order.
    /// </summary>
    public static string New()
    {
        var milliseconds = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        int counter;
        lock (Gate)
        {
            if (milliseconds > _lastMilliseconds)
            {
                _lastMilliseconds = milliseconds;
                _counter = 0;
            }
            else if (++_counter > 0xFFF)
            {
                _lastMilliseconds++; // 4,096 ids in one millisecond: borrow the next one
                _counter = 0;
            }

            (milliseconds, counter) = (_lastMilliseconds, _counter);
        }

        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes[8..]);
        for (var i = 0; i < 6; i++) bytes[i] = (byte)(milliseconds >> (8 * (5 - i)));
        bytes[6] = (byte)(0x70 | (counter >> 8));
        bytes[7] = (byte)counter;
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F));
        return Prefix + Convert.ToHexStringLower(bytes);
    }

    /// <summary>
    /// The id an idempotency key maps to: the same key of the same <paramref name="owner"/> always names the same job,
    /// across restarts, and two owners' equal keys name two jobs. Without an owner the mapping is the one jobs had before
    /// owners existed, so their keys still replay.
    /// </summary>
    public static string FromIdempotencyKey(string key, string? owner = null)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(OwnedKey("idempotency:", key, owner)), hash);
        return Prefix + Convert.ToHexStringLower(hash[..16]);
    }

    /// <summary>
    /// <paramref name="key"/> under <paramref name="scope"/> and its owner: the owner's name comes first, length-prefixed,
    /// so no choice of key can make one owner's text equal another's.
    /// </summary>
    public static string OwnedKey(string scope, string key, string? owner) =>
        owner is null ? scope + key : $"{scope}owner:{owner.Length}:{owner}:{key}";

    public static bool IsValid(string? id) =>
        id is { Length: 36 } && id.StartsWith(Prefix, StringComparison.Ordinal) && id.AsSpan(4).IndexOfAnyExcept("0123456789abcdef") < 0;
}

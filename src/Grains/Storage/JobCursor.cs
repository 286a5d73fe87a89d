using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace OrleansJobs.Storage;

/// <summary>
/// The keyset position of a listing page: the (created_at, id) of its last row, newest-first order.
/// Encoded as base64url text so callers treat it as opaque.
/// </summary>
internal readonly record struct JobCursor(long CreatedAtMs, string JobId)
{
    public string Encode() =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{CreatedAtMs}:{JobId}")));

    public static JobCursor Decode(string cursor)
    {
        string text;
        try
        {
            text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
        }
        catch (FormatException)
        {
            throw Invalid(cursor);
        }

        var colon = text.IndexOf(':');
        return colon > 0 && colon < text.Length - 1
               && long.TryParse(text.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var createdAtMs)
            ? new JobCursor(createdAtMs, text[(colon + 1)..])
            : throw Invalid(cursor);
    }

    private static InvalidCursorException Invalid(string cursor) => new($"'{cursor}' is not a cursor returned by a job listing.");
}

using System.Buffers;

namespace OrleansJobs.Jobs;

/// <summary>
/// The rules for a job's labels (<see cref="JobSpec.Labels"/>): each is indexed, one row per label, so both their
/// number and their length are bounded, and their characters are those that need no escaping in a URL's query or a
/// console link.
/// </summary>
public static class JobLabels
{
    public const int MaxCount = 10;
    public const int MaxLength = 64;

    private static readonly SearchValues<char> Allowed =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:/");

    /// <summary>1 to <see cref="MaxLength"/> letters, digits, '-', '_', '.', ':' or '/'. Case is kept and matters.</summary>
    public static bool IsValid(string? label) =>
        label is { Length: > 0 and <= MaxLength } && label.AsSpan().IndexOfAnyExcept(Allowed) < 0;

    /// <summary>Why <paramref name="label"/> is not one (null when it is).</summary>
    public static string? Problem(string label) =>
        IsValid(label) ? null : $"A label is 1 to {MaxLength} letters, digits, '-', '_', '.', ':' or '/', not '{Shorten(label)}'.";

    // The refused text goes back in an error message: keep that bounded too.
    private static string Shorten(string label) => label.Length <= MaxLength ? label : label[..MaxLength] + "…";
}

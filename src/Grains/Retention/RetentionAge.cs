using OrleansJobs.Jobs;

namespace OrleansJobs.Retention;

/// <summary>Reads one retention age: a positive duration, or <see cref="RetentionOptions.Infinite"/> (no age: kept for ever).</summary>
public static class RetentionAge
{
    /// <summary>True when <paramref name="text"/> is an age; <paramref name="age"/> is then null for <c>infinite</c>.</summary>
    public static bool TryParse(string? text, out TimeSpan? age)
    {
        age = null;
        var trimmed = text?.Trim();
        if (string.Equals(trimmed, RetentionOptions.Infinite, StringComparison.OrdinalIgnoreCase)) return true;
        if (!DurationParser.TryParse(trimmed, out var duration) || duration <= TimeSpan.Zero) return false;
        age = duration;
        return true;
    }

    /// <summary>The age <paramref name="text"/> names; throws <see cref="FormatException"/> when it names none.</summary>
    public static TimeSpan? Parse(string? text) =>
        TryParse(text, out var age) ? age : throw new FormatException($"'{text}' is not a retention age: write a positive duration (7d, PT12H, 2.00:00:00) or '{RetentionOptions.Infinite}'.");
}

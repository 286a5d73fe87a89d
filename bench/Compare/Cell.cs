using System.Globalization;

namespace OrleansJobs.Bench.Compare;

/// <summary>A figure of one system: a number, or a sentence where the number would mislead (an unfinished workload).</summary>
public sealed record Cell(double? Value, string Text)
{
    public static Cell Of(double value) => new(value, Format(value));
    public static Cell Count(int count) => new(count, count.ToString("N0", CultureInfo.InvariantCulture));
    public static Cell Note(string text) => new(null, text);

    /// <summary>A small figure to two decimals (CPU per job in ms, commits per job), where one would hide the difference.</summary>
    public static Cell Fine(double value) => new(value, double.IsNaN(value) ? "n/a" : value.ToString("N2", CultureInfo.InvariantCulture));

    public static string Format(double value) => double.IsNaN(value) ? "n/a"
        : Math.Abs(value) >= 100 ? value.ToString("N0", CultureInfo.InvariantCulture)
        : value.ToString("N1", CultureInfo.InvariantCulture);
}

using System.Globalization;

namespace MigrateSyncEndpoint;

/// <summary>One endpoint's figures under load, printed as a row of the <c>load</c> command's table.</summary>
public sealed record LoadRow(string Endpoint, int Completed, TimeSpan Elapsed, IReadOnlyList<TimeSpan> Answers,
    IReadOnlyList<TimeSpan> Pings, RuntimeSnapshot Stats, int Errors)
{
    public string ToMarkdown() => string.Create(CultureInfo.InvariantCulture,
        $"| {Endpoint} | {Completed} | {Completed / Elapsed.TotalSeconds:0.0} | {Show(Answers, 0.50)} | {Show(Answers, 0.95)} | " +
        $"{Show(Pings, 0.50)} | {Show(Pings, 0.95)} | {Stats.MaxPoolThreads} | {Stats.MaxQueueLength} | {Stats.CpuPercentOfOneCore:0} | {Errors} |");

    /// <summary>The nearest-rank percentile, in ms below a second and in s above.</summary>
    private static string Show(IReadOnlyList<TimeSpan> samples, double percentile)
    {
        if (samples.Count == 0) return "-";
        var sorted = samples.Order().ToList();
        var value = sorted[Math.Clamp((int)Math.Ceiling(percentile * sorted.Count) - 1, 0, sorted.Count - 1)];
        return value < TimeSpan.FromSeconds(1)
            ? string.Create(CultureInfo.InvariantCulture, $"{value.TotalMilliseconds:0} ms")
            : string.Create(CultureInfo.InvariantCulture, $"{value.TotalSeconds:0.0} s");
    }
}

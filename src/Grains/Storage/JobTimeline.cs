namespace OrleansJobs.Storage;

/// <summary>
/// Jobs over a span of time, in equal buckets from <see cref="From"/>: how many were created and how many ended in
/// each, and how late their attempts started (<see cref="IJobStore.TimelineAsync"/>).
/// </summary>
public sealed record JobTimeline(DateTimeOffset From, TimeSpan Bucket, IReadOnlyList<JobTimelineBucket> Buckets)
{
    /// <summary>The quantile the start delay is given at.</summary>
    public const double DelayQuantile = 0.99;

    /// <summary>
    /// Builds the timeline from counts per bucket and the start delays sampled per bucket (in milliseconds): the
    /// quantile by nearest rank, null for a bucket without samples. Buckets outside 0..<paramref name="buckets"/>-1
    /// (a row written while the query ran) are left out.
    /// </summary>
    public static JobTimeline Build(DateTimeOffset from, TimeSpan bucket, int buckets,
        IEnumerable<(int Bucket, long Created, long Ended)> counts, IEnumerable<(int Bucket, double DelayMs)> delays)
    {
        var created = new long[buckets];
        var ended = new long[buckets];
        foreach (var (at, c, e) in counts.Where(row => row.Bucket >= 0 && row.Bucket < buckets))
            (created[at], ended[at]) = (created[at] + c, ended[at] + e);
        var samples = delays.Where(row => row.Bucket >= 0 && row.Bucket < buckets).ToLookup(row => row.Bucket, row => row.DelayMs);
        return new JobTimeline(from, bucket, [.. Enumerable.Range(0, buckets).Select(i =>
        {
            var sorted = samples[i].Order().ToList();
            return new JobTimelineBucket(from + bucket * i, created[i], ended[i], Quantile(sorted, DelayQuantile), sorted.Count);
        })]);
    }

    /// <summary>The nearest-rank quantile of <paramref name="sorted"/> (ascending); null when it is empty.</summary>
    public static double? Quantile(IReadOnlyList<double> sorted, double quantile) =>
        sorted.Count == 0 ? null : sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Count) - 1, 0, sorted.Count - 1)];
}

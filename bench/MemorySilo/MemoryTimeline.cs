using OrleansJobs.Storage;

namespace OrleansJobs.Bench.MemorySilo;

/// <summary>
/// <see cref="IJobStore.TimelineAsync"/> over <see cref="MemoryJobStore"/>'s jobs, by the durable stores' rules: created per
/// bucket by creation time, ended per bucket by a finished job's last write, and the start delays of the attempts of the
/// last <c>samplesPerBucket</c> jobs that succeeded in each bucket. The console's overview asks for it.
/// </summary>
internal static class MemoryTimeline
{
    public static JobTimeline Of(IEnumerable<MemoryJob> all, DateTimeOffset from, TimeSpan bucket, int buckets, string? owner, int samplesPerBucket)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(buckets);
        ArgumentOutOfRangeException.ThrowIfLessThan(bucket, TimeSpan.FromMilliseconds(1));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(samplesPerBucket);
        long Ms(int i) => (from + bucket * i).ToUnixTimeMilliseconds();
        var (start, end, width) = (Ms(0), Ms(buckets), (long)bucket.TotalMilliseconds);
        var jobs = all.Where(job => owner is null || job.SubmittedBy == owner).ToList();

        var created = jobs.Where(job => job.CreatedAtMs >= start && job.CreatedAtMs < end)
            .Select(job => ((int)((job.CreatedAtMs - start) / width), 1L, 0L));
        var ended = jobs.Where(job => job.Status.IsTerminal() && job.UpdatedAtMs >= start && job.UpdatedAtMs < end)
            .Select(job => ((int)((job.UpdatedAtMs - start) / width), 0L, 1L));
        var delays =
            from i in Enumerable.Range(0, buckets)
            from job in jobs.Where(job => job.Status == JobStatus.Succeeded && job.UpdatedAtMs >= Ms(i) && job.UpdatedAtMs < Ms(i + 1))
                .OrderByDescending(job => job.UpdatedAtMs).Take(samplesPerBucket)
            from attempt in job.State.Attempts
            where attempt.DueAt is not null
            select (i, Math.Max(0, (attempt.StartedAt - attempt.DueAt!.Value).TotalMilliseconds));
        return JobTimeline.Build(from, bucket, buckets, created.Concat(ended), delays.ToList());
    }
}

using OrleansJobs.Jobs;
using OrleansJobs.Storage;
using Xunit;

namespace OrleansJobs.Tests.Grains.Storage;

/// <summary>The timeline behind the console's charts: created and ended per bucket, the start delay's p99 from a bounded sample.</summary>
public abstract partial class JobStoreContract
{
    [Fact]
    public async Task Timeline_counts_created_and_ended_jobs_per_bucket_and_takes_the_start_delay_from_succeeded_ones()
    {
        var ct = TestContext.Current.CancellationToken;
        var queued = Jobs.New(JobStatus.Queued, createdAt: Jobs.T0.AddSeconds(10));
        var succeeded = Ended(JobStatus.Succeeded, created: 20, ended: 70, owner: "alice", (20, 25));
        var failed = Ended(JobStatus.Failed, created: 30, ended: 130, owner: null, (30, 90));
        var older = Ended(JobStatus.Succeeded, created: -10, ended: 80, owner: null, (-10, -9), (60, 62));
        var later = Jobs.New(JobStatus.Queued, createdAt: Jobs.T0.AddSeconds(200));
        foreach (var job in new[] { queued, succeeded, failed, older, later }) await Store.WriteAsync(job, Silo, 0, ct);

        var all = await Store.TimelineAsync(Jobs.T0, TimeSpan.FromMinutes(1), 3, owner: null, samplesPerBucket: 10, ct);
        Assert.Equal([Jobs.T0, Jobs.T0.AddMinutes(1), Jobs.T0.AddMinutes(2)], all.Buckets.Select(b => b.Start));
        Assert.Equal([3L, 0, 0], all.Buckets.Select(b => b.Created));
        Assert.Equal([0L, 2, 1], all.Buckets.Select(b => b.Ended));
        // Bucket 1: delays 5 s (succeeded), 1 s and 2 s (older's two attempts); the failed job is not sampled.
        Assert.Equal([null, 5000, null], all.Buckets.Select(b => b.StartDelayP99Ms));
        Assert.Equal([0, 3, 0], all.Buckets.Select(b => b.DelaySamples));

        // One job a bucket: the one that ended last.
        var sampled = await Store.TimelineAsync(Jobs.T0, TimeSpan.FromMinutes(1), 3, owner: null, samplesPerBucket: 1, ct);
        Assert.Equal(2000, sampled.Buckets[1].StartDelayP99Ms);
        Assert.Equal(2, sampled.Buckets[1].DelaySamples);

        var alices = await Store.TimelineAsync(Jobs.T0, TimeSpan.FromMinutes(1), 3, owner: "alice", samplesPerBucket: 10, ct);
        Assert.Equal([1L, 0, 0], alices.Buckets.Select(b => b.Created));
        Assert.Equal([0L, 1, 0], alices.Buckets.Select(b => b.Ended));
        Assert.Equal(5000, alices.Buckets[1].StartDelayP99Ms);
        var nobodys = await Store.TimelineAsync(Jobs.T0, TimeSpan.FromMinutes(1), 3, owner: "", samplesPerBucket: 10, ct);
        Assert.All(nobodys.Buckets, b => Assert.Equal((0L, 0L, 0), (b.Created, b.Ended, b.DelaySamples)));
    }

    // A job created and ended at the given seconds after T0, with one attempt per (due, started) pair.
    private static JobState Ended(JobStatus status, int created, int ended, string? owner, params (int Due, int Started)[] attempts)
    {
        var job = Jobs.New(status, createdAt: Jobs.T0.AddSeconds(created), owner: owner);
        job.UpdatedAt = Jobs.T0.AddSeconds(ended);
        job.Attempts = [.. attempts.Select((a, i) => new JobAttempt
        {
            Number = i + 1, DueAt = Jobs.T0.AddSeconds(a.Due), StartedAt = Jobs.T0.AddSeconds(a.Started), EndedAt = Jobs.T0.AddSeconds(ended),
        })];
        return job;
    }
}

using OrleansJobs.Queues;
using OrleansJobs.Tests.Grains.Jobs;
using OrleansJobs.Workers;

namespace OrleansJobs.Tests.Grains.Workers;

/// <summary>The worker pool of one external type, as a real grain: ready jobs best first, then the longest-waiting request.</summary>
[Trait("Kind", "Silo")]
public sealed class WorkerPoolGrainTests(JobClusterFixture fixture) : IClassFixture<JobClusterFixture>
{
    private static readonly TimeSpan LongWait = TimeSpan.FromSeconds(20);
    private static readonly DateTimeOffset Submitted = DateTimeOffset.UtcNow;

    private static QueueTicket Job(string id, int priority = 0, int secondsLater = 0) => new(id, priority, null, Submitted.AddSeconds(secondsLater), "silo");

    private static async Task<string[]> TakeAsync(IWorkerPoolGrain pool, string requestId, int max, TimeSpan wait) =>
        [.. (await pool.Take(requestId, max, wait)).Select(job => job.JobId)];

    [Fact]
    public async Task Ready_jobs_of_one_priority_are_taken_at_once_oldest_first_up_to_max_and_a_repeat_offer_is_ignored()
    {
        var pool = fixture.Grains.GetGrain<IWorkerPoolGrain>("pool-ready");
        await pool.Offer(Job("job_a", secondsLater: 0));
        await pool.Offer(Job("job_b", secondsLater: 1));
        await pool.Offer(Job("job_a", secondsLater: 0));
        await pool.Offer(Job("job_c", secondsLater: 2));

        Assert.Equal(["job_a", "job_b"], await TakeAsync(pool, "r1", 2, TimeSpan.Zero));
        Assert.Equal(["job_c"], await TakeAsync(pool, "r2", 5, LongWait));
        Assert.Empty(await pool.Take("r3", 5, TimeSpan.Zero));
    }

    [Fact]
    public async Task Ready_jobs_are_taken_highest_priority_first_whatever_order_they_were_offered_in()
    {
        var pool = fixture.Grains.GetGrain<IWorkerPoolGrain>("pool-priority");
        await pool.Offer(Job("job_low", priority: 1));
        await pool.Offer(Job("job_high", priority: 9, secondsLater: 2));
        await pool.Offer(Job("job_mid", priority: 5, secondsLater: 1));

        Assert.Equal(["job_high"], await TakeAsync(pool, "r1", 1, TimeSpan.Zero));
        Assert.Equal(["job_mid", "job_low"], await TakeAsync(pool, "r2", 5, TimeSpan.Zero));
    }

    [Fact]
    public async Task An_offered_job_goes_to_the_request_that_has_waited_longest()
    {
        var pool = fixture.Grains.GetGrain<IWorkerPoolGrain>("pool-fair");
        var first = pool.Take("first", 5, LongWait);
        await Task.Delay(300, TestContext.Current.CancellationToken); // "first" waits before "second" asks
        var second = pool.Take("second", 5, LongWait);
        await Task.Delay(200, TestContext.Current.CancellationToken);
        await pool.Offer(Job("job_1"));
        Assert.Equal(["job_1"], (await first).Select(job => job.JobId));
        Assert.False(second.IsCompleted);
        await pool.Offer(Job("job_2"));
        Assert.Equal(["job_2"], (await second).Select(job => job.JobId));
    }

    [Fact]
    public async Task A_withdrawn_request_ends_its_wait_with_nothing()
    {
        var pool = fixture.Grains.GetGrain<IWorkerPoolGrain>("pool-withdrawn");
        var waiting = pool.Take("gone", 5, LongWait);
        await Task.Delay(200, TestContext.Current.CancellationToken);
        await pool.Withdraw("gone");
        Assert.Empty(await waiting.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        await pool.Offer(Job("job_kept"));
        Assert.Equal(["job_kept"], await TakeAsync(pool, "next", 5, TimeSpan.Zero));
    }
}

using OrleansJobs.Tests.Grains.Jobs;
using OrleansJobs.Workers;

namespace OrleansJobs.Tests.Grains.Workers;

/// <summary>The worker pool of one external type, as a real grain: ready jobs first, then the longest-waiting request.</summary>
[Trait("Kind", "Silo")]
public sealed class WorkerPoolGrainTests(JobClusterFixture fixture) : IClassFixture<JobClusterFixture>
{
    private static readonly TimeSpan LongWait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Ready_jobs_are_taken_at_once_in_offer_order_up_to_max_and_a_repeat_offer_is_ignored()
    {
        var pool = fixture.Grains.GetGrain<IWorkerPoolGrain>("pool-ready");
        await pool.Offer("job_a");
        await pool.Offer("job_b");
        await pool.Offer("job_a");
        await pool.Offer("job_c");

        Assert.Equal(["job_a", "job_b"], await pool.Take("r1", 2, TimeSpan.Zero));
        Assert.Equal(["job_c"], await pool.Take("r2", 5, LongWait));
        Assert.Empty(await pool.Take("r3", 5, TimeSpan.Zero));
    }

    [Fact]
    public async Task An_offered_job_goes_to_the_request_that_has_waited_longest()
    {
        var pool = fixture.Grains.GetGrain<IWorkerPoolGrain>("pool-fair");
        var first = pool.Take("first", 5, LongWait);
        await Task.Delay(300, TestContext.Current.CancellationToken); // "first" waits before "second" asks
        var second = pool.Take("second", 5, LongWait);
        await Task.Delay(200, TestContext.Current.CancellationToken);
        await pool.Offer("job_1");
        Assert.Equal(["job_1"], await first);
        Assert.False(second.IsCompleted);
        await pool.Offer("job_2");
        Assert.Equal(["job_2"], await second);
    }

    [Fact]
    public async Task A_withdrawn_request_ends_its_wait_with_nothing()
    {
        var pool = fixture.Grains.GetGrain<IWorkerPoolGrain>("pool-withdrawn");
        var waiting = pool.Take("gone", 5, LongWait);
        await Task.Delay(200, TestContext.Current.CancellationToken);
        await pool.Withdraw("gone");
        Assert.Empty(await waiting.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        await pool.Offer("job_kept");
        Assert.Equal(["job_kept"], await pool.Take("next", 5, TimeSpan.Zero));
    }
}

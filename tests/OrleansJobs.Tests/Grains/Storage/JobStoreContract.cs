using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OrleansJobs.Jobs;
using OrleansJobs.Storage;
using Xunit;

namespace OrleansJobs.Tests.Grains.Storage;

/// <summary>
/// What every <see cref="IJobStore"/> must do, run against each store (SQLite, PostgreSQL and the benchmark's in-memory
/// one) through the store alone: round trips, version checks, listing and paging, and the recovery queries. What is
/// checked in a durable store's tables or commits is <see cref="DurableJobStoreContract"/>'s.
/// </summary>
public abstract partial class JobStoreContract(ITestOutputHelper output)
{
    protected const string Silo = "S127.0.0.1:11111:1";

    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    protected ITestOutputHelper Output { get; } = output;

    /// <summary>The meter factory the store is made with: its instruments are this test's alone.</summary>
    protected IMeterFactory Meters => _services.GetRequiredService<IMeterFactory>();

    protected abstract IJobStore Store { get; }

    protected abstract ValueTask DisposeStoreAsync();

    [Fact]
    public async Task Reading_a_missing_job_returns_null()
    {
        Assert.Null(await Store.ReadAsync(JobIds.New(), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Inserting_a_job_that_exists_is_a_version_conflict()
    {
        var job = Jobs.New();
        await Store.WriteAsync(job, Silo, 0, TestContext.Current.CancellationToken);

        var conflict = await Assert.ThrowsAsync<JobVersionConflictException>(() => Store.WriteAsync(job, Silo, 0, TestContext.Current.CancellationToken));

        Assert.Contains("found 1", conflict.Message);
    }

    [Fact]
    public async Task Listing_is_newest_first_and_filters_combine()
    {
        var ct = TestContext.Current.CancellationToken;
        var jobs = new[]
        {
            Jobs.New(JobStatus.Queued, "email.send", "mail", Jobs.T0.AddSeconds(1)),
            Jobs.New(JobStatus.Running, "email.send", "mail", Jobs.T0.AddSeconds(2)),
            Jobs.New(JobStatus.Queued, "report.render", "reports", Jobs.T0.AddSeconds(3)),
            Jobs.New(JobStatus.Queued, "email.send", "mail", Jobs.T0.AddSeconds(4)),
            Jobs.New(JobStatus.Failed, "email.send", "default", Jobs.T0.AddSeconds(5)),
        };
        await Task.WhenAll(jobs.Select(job => Store.WriteAsync(job, Silo, 0, ct)));

        async Task<string[]> Ids(JobQuery query) => [.. (await Store.ListAsync(query, ct)).Items.Select(job => job.Id)];

        Assert.Equal(jobs.Reverse().Select(job => job.Id), await Ids(new JobQuery()));
        Assert.Equal([jobs[3].Id, jobs[2].Id, jobs[0].Id], await Ids(new JobQuery(Status: JobStatus.Queued)));
        Assert.Equal([jobs[3].Id, jobs[0].Id], await Ids(new JobQuery(Status: JobStatus.Queued, Queue: "mail")));
        Assert.Equal([jobs[3].Id, jobs[1].Id, jobs[0].Id], await Ids(new JobQuery(Queue: "mail", Type: "email.send")));
        Assert.Empty(await Ids(new JobQuery(Type: "missing")));
        Assert.Equal([jobs[4].Id], await Ids(new JobQuery(Limit: 0)));
    }

    [Fact]
    public async Task Paging_walks_120_jobs_in_order_without_gaps_or_repeats()
    {
        var ct = TestContext.Current.CancellationToken;
        // Three jobs per millisecond: the id breaks ties between equal creation times.
        var jobs = Enumerable.Range(0, 120).Select(i => Jobs.New(createdAt: Jobs.T0.AddMilliseconds(i / 3))).ToList();
        await Task.WhenAll(jobs.Select(job => Store.WriteAsync(job, Silo, 0, ct)));
        var expected = jobs.OrderByDescending(job => job.CreatedAt).ThenByDescending(job => job.Id, StringComparer.Ordinal).Select(job => job.Id);

        var seen = new List<string>();
        var pages = 0;
        string? cursor = null;
        do
        {
            var page = await Store.ListAsync(new JobQuery(Limit: 25, Cursor: cursor), ct);
            seen.AddRange(page.Items.Select(job => job.Id));
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(expected, seen);
        Assert.Equal(5, pages);
    }

    [Fact]
    public async Task Listing_filters_by_creation_time_and_finds_a_job_by_id()
    {
        var ct = TestContext.Current.CancellationToken;
        var jobs = Enumerable.Range(0, 5).Select(i => Jobs.New(createdAt: Jobs.T0.AddMinutes(i))).ToArray();
        await Task.WhenAll(jobs.Select(job => Store.WriteAsync(job, Silo, 0, ct)));

        async Task<string[]> Ids(JobQuery query) => [.. (await Store.ListAsync(query, ct)).Items.Select(job => job.Id)];

        // From is inclusive, to exclusive.
        Assert.Equal([jobs[3].Id, jobs[2].Id, jobs[1].Id], await Ids(new JobQuery(CreatedFrom: Jobs.T0.AddMinutes(1), CreatedTo: Jobs.T0.AddMinutes(4))));
        Assert.Equal([jobs[4].Id], await Ids(new JobQuery(CreatedFrom: Jobs.T0.AddMinutes(4))));
        Assert.Equal([jobs[2].Id], await Ids(new JobQuery(Search: jobs[2].Id)));
        Assert.Empty(await Ids(new JobQuery(Search: "job_missing")));
    }

    [Fact]
    public async Task The_last_page_has_no_next_cursor()
    {
        var ct = TestContext.Current.CancellationToken;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Store.WriteAsync(Jobs.New(createdAt: Jobs.T0.AddSeconds(i)), Silo, 0, ct)));

        var first = await Store.ListAsync(new JobQuery(Limit: 2), ct);
        var second = await Store.ListAsync(new JobQuery(Limit: 2, Cursor: first.NextCursor), ct);

        Assert.NotNull(first.NextCursor);
        Assert.Equal(2, second.Items.Count);
        Assert.Null(second.NextCursor);
    }

    [Theory]
    [InlineData("not a cursor!")]
    [InlineData("bm8tY29sb24")] // "no-colon"
    [InlineData("eDpqb2JfMQ")] // "x:job_1"
    [InlineData("MTIzOg")] // "123:"
    public async Task A_malformed_cursor_is_rejected(string cursor)
    {
        await Assert.ThrowsAsync<InvalidCursorException>(() => Store.ListAsync(new JobQuery(Cursor: cursor), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Queue_members_come_best_first_with_their_key_and_owner_and_queues_are_counted()
    {
        var ct = TestContext.Current.CancellationToken;
        static JobState Member(JobStatus status, string queue, int priority, string? key, int minute) =>
            Jobs.New(status, queue: queue, createdAt: Jobs.T0.AddMinutes(minute)) is var job
                ? WithSpec(job, job.Spec! with { Priority = priority, ConcurrencyKey = key })
                : throw new InvalidOperationException();
        static JobState WithSpec(JobState job, JobSpec spec) { job.Spec = spec; return job; }
        var low = Member(JobStatus.Queued, "reports", 0, "acme", 1);
        var highLate = Member(JobStatus.Queued, "reports", 5, null, 3);
        var highEarly = Member(JobStatus.Queued, "reports", 5, "globex", 2);
        var running = Member(JobStatus.Running, "reports", 1, "acme", 0);
        var failed = Member(JobStatus.Failed, "reports", 0, null, 0);
        var elsewhere = Member(JobStatus.Queued, "emails", 9, null, 0);
        await Task.WhenAll(new[] { low, highLate, highEarly, failed, elsewhere }.Select(job => Store.WriteAsync(job, Silo, 0, ct)));
        await Store.WriteAsync(running, "S10.0.0.9:11111:1", 0, ct);

        var queued = await Store.FindQueueMembersAsync("reports", JobStatus.Queued, 10, ct);
        var holders = await Store.FindQueueMembersAsync("reports", JobStatus.Running, 10, ct);
        var counts = await Store.CountByQueueAsync(ct);
        var queues = await Store.ListQueuesAsync(ct);

        Assert.Equal([highEarly.Id, highLate.Id, low.Id], queued.Select(m => m.JobId));
        Assert.Equal(new QueueMember(highEarly.Id, JobStatus.Queued, 5, "globex", Jobs.T0.AddMinutes(2), Silo), queued[0]);
        Assert.Null(queued[1].ConcurrencyKey);
        Assert.Equal(new QueueMember(running.Id, JobStatus.Running, 1, "acme", Jobs.T0, "S10.0.0.9:11111:1"), Assert.Single(holders));
        Assert.Single(await Store.FindQueueMembersAsync("reports", JobStatus.Queued, 1, ct));
        Assert.Equivalent(new[]
        {
            new JobCount("reports", JobStatus.Queued, 3), new JobCount("reports", JobStatus.Running, 1),
            new JobCount("reports", JobStatus.Failed, 1), new JobCount("emails", JobStatus.Queued, 1),
        }, counts);
        Assert.Equal(["emails", "reports"], queues);
    }

    [Fact]
    public async Task Orphans_are_queued_or_running_jobs_of_owners_no_longer_alive()
    {
        var ct = TestContext.Current.CancellationToken;
        const string live = "S10.0.0.1:11111:1", dead = "S10.0.0.2:11111:1";
        var queuedLive = Jobs.New(JobStatus.Queued);
        var queuedDead = Jobs.New(JobStatus.Queued);
        var runningDead = Jobs.New(JobStatus.Running);
        var succeededDead = Jobs.New(JobStatus.Succeeded);
        var scheduledDead = Jobs.New(JobStatus.Scheduled);
        await Task.WhenAll(
            Store.WriteAsync(queuedLive, live, 0, ct),
            Store.WriteAsync(queuedDead, dead, 0, ct),
            Store.WriteAsync(runningDead, dead, 0, ct),
            Store.WriteAsync(succeededDead, dead, 0, ct),
            Store.WriteAsync(scheduledDead, dead, 0, ct));

        var orphans = await Store.FindOrphansAsync([live], 10, ct);
        var withNoneAlive = await Store.FindOrphansAsync([], 10, ct);
        var limited = await Store.FindOrphansAsync([live], 1, ct);

        Assert.Equivalent(new[] { queuedDead.Id, runningDead.Id }, orphans);
        Assert.Equivalent(new[] { queuedLive.Id, queuedDead.Id, runningDead.Id }, withNoneAlive);
        Assert.Single(limited);
    }

    [Fact]
    public async Task Due_jobs_are_scheduled_ones_at_or_before_the_horizon_soonest_first()
    {
        var ct = TestContext.Current.CancellationToken;
        var runAtSoon = Jobs.New(JobStatus.Scheduled);
        runAtSoon.ScheduledAt = Jobs.T0.AddMinutes(1);
        var retryOverdue = Jobs.New(JobStatus.Scheduled);
        retryOverdue.ScheduledAt = Jobs.T0.AddHours(1);
        retryOverdue.NextAttemptAt = Jobs.T0.AddMinutes(-1);
        var atHorizon = Jobs.New(JobStatus.Scheduled);
        atHorizon.ScheduledAt = Jobs.T0.AddMinutes(5);
        var later = Jobs.New(JobStatus.Scheduled);
        later.ScheduledAt = Jobs.T0.AddMinutes(10);
        var queued = Jobs.New(JobStatus.Queued);
        queued.ScheduledAt = Jobs.T0.AddMinutes(-10);
        await Task.WhenAll(new[] { runAtSoon, retryOverdue, atHorizon, later, queued }.Select(job => Store.WriteAsync(job, Silo, 0, ct)));

        var due = await Store.FindDueAsync(Jobs.T0.AddMinutes(5), 10, ct);
        Assert.Equal([retryOverdue.Id, runAtSoon.Id, atHorizon.Id], due);
        Assert.Equal([retryOverdue.Id], await Store.FindDueAsync(Jobs.T0.AddMinutes(5), 1, ct));

        runAtSoon.Status = JobStatus.Queued;
        await Store.WriteAsync(runAtSoon, Silo, 1, ct);
        Assert.Equal([retryOverdue.Id, atHorizon.Id], await Store.FindDueAsync(Jobs.T0.AddMinutes(5), 10, ct));
    }

    [Fact]
    public async Task Quiet_jobs_are_queued_running_or_callback_pending_ones_not_written_since_the_cutoff_oldest_first()
    {
        var ct = TestContext.Current.CancellationToken;
        var runningLong = Jobs.WrittenAt(JobStatus.Running, -30);
        var queuedLong = Jobs.WrittenAt(JobStatus.Queued, -10);
        var runningRecent = Jobs.WrittenAt(JobStatus.Running, 1);
        var succeededLong = Jobs.WrittenAt(JobStatus.Succeeded, -60);
        var scheduledLong = Jobs.WrittenAt(JobStatus.Scheduled, -60);
        var callbackPending = Jobs.WrittenAt(JobStatus.Failed, -20);
        callbackPending.HandOverPending = true;
        await Task.WhenAll(new[] { runningLong, queuedLong, runningRecent, succeededLong, scheduledLong, callbackPending }.Select(job => Store.WriteAsync(job, Silo, 0, ct)));

        Assert.Equal([runningLong.Id, callbackPending.Id, queuedLong.Id], await Store.FindQuietAsync(Jobs.T0, 10, ct));
        Assert.Equal([runningLong.Id], await Store.FindQuietAsync(Jobs.T0, 1, ct));
        Assert.Empty(await Store.FindQuietAsync(Jobs.T0.AddMinutes(-45), 10, ct));
    }

    [Fact]
    public async Task Health_check_passes_on_a_ready_store_and_fails_once_it_is_disposed()
    {
        await Store.CheckHealthAsync(TestContext.Current.CancellationToken);
        await DisposeStoreAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => Store.CheckHealthAsync(TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => Store.WriteAsync(Jobs.New(), Silo, 0, TestContext.Current.CancellationToken));
    }
}

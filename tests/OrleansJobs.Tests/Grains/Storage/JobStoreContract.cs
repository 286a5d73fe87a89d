using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OrleansJobs.Jobs;
using OrleansJobs.Storage;
using Xunit;

namespace OrleansJobs.Tests.Grains.Storage;

/// <summary>
/// What every <see cref="IJobStore"/> must do, run against each real store (SQLite and PostgreSQL): round trips,
/// version checks, group commit, listing and paging, and the recovery queries.
/// </summary>
public abstract partial class JobStoreContract(ITestOutputHelper output)
{
    protected const string Silo = "S127.0.0.1:11111:1";

    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    protected ITestOutputHelper Output { get; } = output;

    /// <summary>The meter factory the store is made with: its instruments are this test's alone.</summary>
    protected IMeterFactory Meters => _services.GetRequiredService<IMeterFactory>();

    protected abstract IJobStore Store { get; }

    /// <summary>Transactions the store has committed so far.</summary>
    protected abstract long CommitCount { get; }

    protected abstract ValueTask DisposeStoreAsync();

    /// <summary>Runs a query on the store's database directly.</summary>
    protected abstract object? Scalar(string sql);

    [Fact]
    public async Task A_full_job_state_round_trips_with_tags_attempts_and_raw_json()
    {
        var at = new DateTimeOffset(2026, 11, 23, 10, 15, 30, TimeSpan.FromHours(2)).AddTicks(1234567);
        var state = new JobState
        {
            Id = JobIds.New(),
            Spec = new JobSpec
            {
                Type = "report.render",
                Payload = """{"reportId":42,"formats":["pdf","csv"],"note":"naïve \"quoted\" \u00e9"}""",
                Queue = "reports",
                Priority = 7,
                ConcurrencyKey = "tenant-9",
                RunAt = at.AddMinutes(5),
                MaxAttempts = 5,
                Retry = new RetryPolicy { InitialDelay = TimeSpan.FromSeconds(3), MaxDelay = TimeSpan.FromMinutes(2), Multiplier = 1.5, Jitter = false },
                Timeout = TimeSpan.FromMinutes(1),
                IdempotencyKey = "order-1234",
                CorrelationId = "corr-1",
                CallbackUrl = "https://example.test/hooks/jobs",
                Tags = new Dictionary<string, string> { ["Tenant"] = "acme", ["x-Region"] = "eu-west" },
                TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                TraceState = "vendor=1",
            },
            Status = JobStatus.Succeeded,
            Attempts =
            [
                new JobAttempt
                {
                    Number = 1, StartedAt = at, EndedAt = at.AddSeconds(2), Outcome = AttemptOutcome.TimedOut,
                    Error = new JobError("took too long", "System.TimeoutException"), Silo = Silo, SpanId = "b7ad6b7169203331", DueAt = at.AddSeconds(-1),
                },
                new JobAttempt { Number = 2, StartedAt = at.AddSeconds(5), EndedAt = at.AddSeconds(6), Outcome = AttemptOutcome.Succeeded, Silo = Silo },
            ],
            Progress = new JobProgress(100, "done", at.AddSeconds(6)),
            Result = """{"pages":12,"url":null}""",
            Error = new JobError("first attempt timed out"),
            CreatedAt = at,
            ScheduledAt = at.AddMinutes(5),
            StartedAt = at.AddSeconds(5),
            CompletedAt = at.AddSeconds(6),
            NextAttemptAt = at.AddSeconds(4),
            UpdatedAt = at.AddSeconds(6),
            TraceId = "0af7651916cd43dd8448eb211c80319c",
        };

        var version = await Store.WriteAsync(state, Silo, 0, TestContext.Current.CancellationToken);
        var stored = await Store.ReadAsync(state.Id, TestContext.Current.CancellationToken);

        Assert.Equal(1, version);
        Assert.NotNull(stored);
        Assert.Equal(1, stored.Version);
        Assert.Equivalent(state, stored.State, strict: true);
        Assert.Equal(state.Spec.Payload, stored.State.Spec!.Payload);
        Assert.Equal(at.Offset, stored.State.CreatedAt.Offset);
        var json = (string)Scalar("SELECT state FROM jobs")!;
        Assert.Contains("\"status\":\"Succeeded\"", json);
        Assert.Contains("\"Tenant\":\"acme\"", json);
    }

    [Fact]
    public async Task Reading_a_missing_job_returns_null()
    {
        Assert.Null(await Store.ReadAsync(JobIds.New(), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Updates_bump_the_version_and_delete_removes_the_row()
    {
        var job = Jobs.New();
        var v1 = await Store.WriteAsync(job, Silo, 0, TestContext.Current.CancellationToken);
        job.Status = JobStatus.Running;
        var v2 = await Store.WriteAsync(job, "S127.0.0.1:22222:2", v1, TestContext.Current.CancellationToken);

        Assert.Equal((1, 2), (v1, v2));
        Assert.Equal(JobStatus.Running, (await Store.ReadAsync(job.Id, TestContext.Current.CancellationToken))!.State.Status);
        Assert.Equal("S127.0.0.1:22222:2", Scalar("SELECT owner FROM jobs"));

        await Store.DeleteAsync(job.Id, TestContext.Current.CancellationToken);
        Assert.Null(await Store.ReadAsync(job.Id, TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<JobVersionConflictException>(() => Store.WriteAsync(job, Silo, v2, TestContext.Current.CancellationToken));
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
    public async Task Five_hundred_concurrent_writes_all_commit_in_far_fewer_transactions()
    {
        const int writes = 500;
        var commitsBefore = CommitCount;

        var versions = await Task.WhenAll(Enumerable.Range(0, writes)
            .Select(_ => Task.Run(() => Store.WriteAsync(Jobs.New(), Silo, 0, TestContext.Current.CancellationToken))));

        var commits = CommitCount - commitsBefore;
        Output.WriteLine($"{writes} writes in {commits} commits");
        Assert.All(versions, version => Assert.Equal(1, version));
        Assert.Equal((long)writes, Convert.ToInt64(Scalar("SELECT count(*) FROM jobs")));
        Assert.InRange(commits, 1, writes / 10);
    }

    [Fact]
    public async Task Every_write_is_timed_once_and_every_batch_counts_its_writes()
    {
        var ct = TestContext.Current.CancellationToken;
        var measured = new ConcurrentDictionary<string, ConcurrentBag<double>>();
        var stores = new ConcurrentBag<string?>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Scope == Meters && instrument.Name.StartsWith("orleansjobs.store.", StringComparison.Ordinal)) l.EnableMeasurementEvents(instrument);
            },
        };
        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            measured.GetOrAdd(instrument.Name, _ => []).Add(value);
            foreach (var tag in tags) if (tag.Key == "store") stores.Add(tag.Value as string);
        }
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.Start();
        var commitsBefore = CommitCount;

        var jobs = Enumerable.Range(0, 30).Select(_ => Jobs.New()).ToList();
        await Task.WhenAll(jobs.Select(job => Task.Run(() => Store.WriteAsync(job, Silo, 0, ct))));
        await Task.WhenAll(jobs.Select(job => Task.Run(() => Store.WriteAsync(job, Silo, 1, ct))));
        await Task.WhenAll(jobs.Take(5).Select(job => Task.Run(() => Store.DeleteAsync(job.Id, ct))));
        var commits = CommitCount - commitsBefore;

        const int writes = 65;
        var values = (string name) => measured.TryGetValue(name, out var bag) ? bag.ToArray() : [];
        Output.WriteLine($"{writes} writes in {commits} commits; write p100 {values("orleansjobs.store.write.duration").DefaultIfEmpty().Max() * 1000:N2} ms");
        Assert.Equal(writes, values("orleansjobs.store.write.duration").Length);
        Assert.All(values("orleansjobs.store.write.duration"), seconds => Assert.InRange(seconds, 0, 60));
        Assert.Equal(commits, values("orleansjobs.store.commit.duration").Length);
        Assert.Equal(commits, values("orleansjobs.store.batch.size").Length);
        Assert.Equal(writes, values("orleansjobs.store.batch.size").Sum());
        // A write waits at least as long as the commit that carried it, so the slowest write is never quicker than the slowest commit.
        Assert.True(values("orleansjobs.store.write.duration").Max() >= values("orleansjobs.store.commit.duration").Max());
        Assert.Single(stores.Distinct());
        Assert.Contains(stores.First(), new[] { "sqlite", "postgresql" });
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

using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using OrleansJobs.Jobs;
using OrleansJobs.Storage;
using Xunit;

namespace OrleansJobs.Tests.Grains.Storage;

/// <summary>
/// The store contract of the durable stores (SQLite and PostgreSQL), on top of <see cref="JobStoreContract"/>: what is
/// checked in their tables (the stored JSON, the owner and submitter columns, one label row per label, rows left after a
/// delete) and their group commit (writes per commit, and the metrics of each batch).
/// </summary>
public abstract class DurableJobStoreContract(ITestOutputHelper output) : JobStoreContract(output)
{
    /// <summary>Transactions the store has committed so far.</summary>
    protected abstract long CommitCount { get; }

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
    public async Task Labels_round_trip_and_are_indexed_once_each_at_insert()
    {
        var ct = TestContext.Current.CancellationToken;
        var job = Jobs.New(labels: ["customer-42", "nightly", "Region:eu/west_1.b"]);
        await Store.WriteAsync(job, Silo, 0, ct);
        job.Status = JobStatus.Running;
        await Store.WriteAsync(job, Silo, 1, ct);

        var stored = (await Store.ReadAsync(job.Id, ct))!.State;
        Assert.Equal(["customer-42", "nightly", "Region:eu/west_1.b"], stored.Spec!.Labels);
        Assert.Equal(["customer-42", "nightly", "Region:eu/west_1.b"], (await Store.ListAsync(new JobQuery(), ct)).Items.Single().Spec!.Labels);
        // One row per label, written by the insert alone (the update above added none).
        Assert.Equal(3L, Convert.ToInt64(Scalar($"SELECT COUNT(*) FROM job_labels WHERE job_id = '{job.Id}'")));
        Assert.Equal(job.CreatedAt.ToUnixTimeMilliseconds(), Convert.ToInt64(Scalar("SELECT MIN(created_at) FROM job_labels")));
        Assert.Null((await Store.ReadAsync((await Write(Jobs.New())).Id, ct))!.State.Spec!.Labels);
    }

    [Fact]
    public async Task A_refused_second_insert_of_a_job_leaves_the_first_ones_labels()
    {
        var ct = TestContext.Current.CancellationToken;
        var first = await Write(Jobs.New(labels: ["first"]));
        var again = Jobs.New(id: first.Id, labels: ["second"]);

        await Assert.ThrowsAsync<JobVersionConflictException>(() => Store.WriteAsync(again, Silo, 0, ct));

        Assert.Equal([first.Id], await LabelledIds(new JobQuery(Label: "first")));
        Assert.Empty(await LabelledIds(new JobQuery(Label: "second")));
        Assert.Equal(1L, Convert.ToInt64(Scalar("SELECT COUNT(*) FROM job_labels")));
    }

    [Fact]
    public async Task A_jobs_labels_are_deleted_with_it_however_it_is_deleted()
    {
        var ct = TestContext.Current.CancellationToken;
        var kept = await Write(Jobs.New(JobStatus.Succeeded, labels: ["nightly", "kept"]));
        var deleted = await Write(Jobs.New(labels: ["nightly", "deleted"]));
        var retained = Jobs.New(JobStatus.Succeeded, labels: ["nightly", "retained"]);
        retained.UpdatedAt = Jobs.T0.AddMinutes(-10);
        await Store.WriteAsync(retained, Silo, 0, ct);
        var failed = await Write(Jobs.New(JobStatus.Failed, labels: ["nightly", "failed"]));

        await Store.DeleteAsync(deleted.Id, ct);
        Assert.Equal([retained.Id], (await Store.DeleteFinishedAsync(JobStatus.Succeeded, Jobs.T0, 10, ct)).Select(d => d.Id));
        Assert.Equal([failed.Id], (await Store.DeleteFailedAsync([failed.Id], ct)).Select(d => d.Id));

        Assert.Equal([kept.Id], await LabelledIds(new JobQuery(Label: "nightly")));
        Assert.Equal(2L, Convert.ToInt64(Scalar("SELECT COUNT(*) FROM job_labels")));
        Assert.Equal(2L, Convert.ToInt64(Scalar($"SELECT COUNT(*) FROM job_labels WHERE job_id = '{kept.Id}'")));
        // The id is free again, and a new job under it starts with its own labels.
        await Store.WriteAsync(Jobs.New(id: deleted.Id, labels: ["reborn"]), Silo, 0, ct);
        Assert.Equal([deleted.Id], await LabelledIds(new JobQuery(Label: "reborn")));
        Assert.Empty(await LabelledIds(new JobQuery(Label: "deleted")));
    }

    [Fact]
    public async Task Listing_by_owner_pages_through_that_owners_jobs_alone_newest_first()
    {
        var ct = TestContext.Current.CancellationToken;
        var owners = new[] { "alice", "bob", null };
        var jobs = Enumerable.Range(0, 30).Select(i => Jobs.New(i % 2 == 0 ? JobStatus.Queued : JobStatus.Failed,
            createdAt: Jobs.T0.AddSeconds(i), owner: owners[i % 3])).ToList();
        await Task.WhenAll(jobs.Select(job => Store.WriteAsync(job, Silo, 0, ct)));
        // A later write (another silo, another status) keeps the job's owner.
        jobs[0].Status = JobStatus.Running;
        await Store.WriteAsync(jobs[0], "S127.0.0.1:22222:2", 1, ct);

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await Store.ListAsync(new JobQuery(Limit: 4, Cursor: cursor, Owner: "alice"), ct);
            seen.AddRange(page.Items.Select(job => job.Id));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal(jobs.Where(job => job.Spec!.Owner == "alice").OrderByDescending(job => job.CreatedAt).Select(job => job.Id), seen);
        Assert.Equal(
            jobs.Where(job => job.Spec!.Owner == "bob" && job.Status == JobStatus.Failed).OrderByDescending(job => job.CreatedAt).Select(job => job.Id),
            (await Store.ListAsync(new JobQuery(Status: JobStatus.Failed, Owner: "bob"), ct)).Items.Select(job => job.Id));
        Assert.Empty((await Store.ListAsync(new JobQuery(Owner: "carol"), ct)).Items);
        Assert.Equal(30, (await Store.ListAsync(new JobQuery(Limit: 100), ct)).Items.Count);
        Assert.Equal("alice", Scalar($"SELECT submitted_by FROM jobs WHERE id = '{jobs[0].Id}'"));
        Assert.Equal(DBNull.Value, Scalar($"SELECT submitted_by FROM jobs WHERE id = '{jobs[2].Id}'"));
    }

    [Fact]
    public async Task Deleting_finished_jobs_takes_only_the_status_asked_for_ended_before_the_cutoff_oldest_first()
    {
        var ct = TestContext.Current.CancellationToken;
        var oldest = Jobs.WrittenAt(JobStatus.Succeeded, -60);
        var older = Jobs.WrittenAt(JobStatus.Succeeded, -30);
        var recent = Jobs.WrittenAt(JobStatus.Succeeded, 5);
        var failed = Jobs.WrittenAt(JobStatus.Failed, -60);
        var cancelled = Jobs.WrittenAt(JobStatus.Cancelled, -60);
        var handOverPending = Jobs.WrittenAt(JobStatus.Succeeded, -90);
        handOverPending.HandOverPending = true;
        var active = new[] { Jobs.WrittenAt(JobStatus.Queued, -90), Jobs.WrittenAt(JobStatus.Running, -90), Jobs.WrittenAt(JobStatus.Scheduled, -90) };
        await Task.WhenAll(new[] { oldest, older, recent, failed, cancelled, handOverPending }.Concat(active).Select(job => Store.WriteAsync(job, Silo, 0, ct)));

        Assert.Equal([oldest.Id], Ids(await Store.DeleteFinishedAsync(JobStatus.Succeeded, Jobs.T0, 1, ct)));
        Assert.Equal([older.Id], Ids(await Store.DeleteFinishedAsync(JobStatus.Succeeded, Jobs.T0, 10, ct)));
        Assert.Empty(await Store.DeleteFinishedAsync(JobStatus.Succeeded, Jobs.T0, 10, ct));
        Assert.Equal([cancelled.Id], Ids(await Store.DeleteFinishedAsync(JobStatus.Cancelled, Jobs.T0, 10, ct)));

        Assert.Null(await Store.ReadAsync(oldest.Id, ct));
        Assert.Null(await Store.ReadAsync(cancelled.Id, ct));
        foreach (var kept in new[] { recent, failed, handOverPending }.Concat(active))
            Assert.NotNull(await Store.ReadAsync(kept.Id, ct));
        Assert.Equal(6L, Convert.ToInt64(Scalar("SELECT COUNT(*) FROM jobs")));
    }

    private async Task<JobState> Write(JobState job)
    {
        await Store.WriteAsync(job, Silo, 0, TestContext.Current.CancellationToken);
        return job;
    }
}

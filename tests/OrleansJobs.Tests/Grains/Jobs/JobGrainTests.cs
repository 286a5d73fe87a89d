using System.Diagnostics;
using OrleansJobs.Jobs;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Grains.Jobs;

[Trait("Kind", "Silo")]
public sealed class JobGrainTests(JobClusterFixture fixture) : IClassFixture<JobClusterFixture>
{
    private static readonly RetryPolicy Quick = new() { InitialDelay = TimeSpan.FromMilliseconds(200), Multiplier = 1, Jitter = false };

    private async Task<(IJobGrain Grain, JobState Job)> SubmitAsync(JobSpec spec, string? id = null)
    {
        var grain = fixture.Grains.GetGrain<IJobGrain>(id ?? JobIds.New());
        var result = await grain.Submit(spec);
        return (grain, result.Job);
    }

    private static async Task<JobState> FinishedAsync(IJobGrain grain, int seconds = 20)
    {
        var job = await grain.WaitForCompletion(TimeSpan.FromSeconds(seconds));
        Assert.NotNull(job);
        Assert.True(job.Status.IsTerminal(), $"job still {job.Status} after {seconds}s");
        return job;
    }

    private static async Task<JobState> UntilAsync(IJobGrain grain, Func<JobState, bool> condition, int seconds = 20)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var job = (await grain.Get())!;
            if (condition(job)) return job;
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(seconds), $"condition not met in {seconds}s; job is {job.Status}");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task Submitted_job_runs_and_succeeds_with_its_result()
    {
        var (grain, submitted) = await SubmitAsync(new JobSpec { Type = "delay", Payload = """{"duration":"00:00:00.2","steps":2}""" });
        // Its queue has no limits and a handler slot is free: it is stored with its first attempt begun.
        Assert.Equal(JobStatus.Running, submitted.Status);
        Assert.Equal(1, Assert.Single(submitted.Attempts).Number);

        var job = await FinishedAsync(grain);
        Assert.Equal(JobStatus.Succeeded, job.Status);
        Assert.Equal("""{"steps":2}""", job.Result);
        var attempt = Assert.Single(job.Attempts);
        Assert.Equal(AttemptOutcome.Succeeded, attempt.Outcome);
        Assert.Equal(100, job.Progress?.Percent);

        var stored = await fixture.Store.ReadAsync(job.Id, TestContext.Current.CancellationToken);
        Assert.Equal(JobStatus.Succeeded, stored!.State.Status);
    }

    [Fact]
    public async Task A_finished_job_leaves_memory_once_its_callers_are_answered()
    {
        var (grain, submitted) = await SubmitAsync(new JobSpec { Type = "delay", Payload = """{"duration":"00:00:01"}""" });
        var management = fixture.Grains.GetGrain<IManagementGrain>(0);
        var grainId = GrainId.Create("job", submitted.Id);
        async Task<bool> ActiveAsync() => (await management.GetActiveGrains(GrainType.Create("job"))).Contains(grainId);
        Assert.True(await ActiveAsync(), "a running job's grain is not listed as active");

        Assert.Equal(JobStatus.Succeeded, (await FinishedAsync(grain)).Status);

        // Not after Orleans' idle period (minutes): as soon as the last call to it has been answered.
        await Eventually.Until(async () => !await ActiveAsync(), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100),
            "the finished job's grain stayed active");
        Assert.Equal(JobStatus.Succeeded, (await fixture.Store.ReadAsync(submitted.Id, TestContext.Current.CancellationToken))!.State.Status);
    }

    [Fact]
    public async Task Failed_job_is_retried_after_backoff_and_then_succeeds()
    {
        var (grain, _) = await SubmitAsync(new JobSpec { Type = "delay", Payload = """{"duration":"00:00:00","failAttempts":2}""", MaxAttempts = 3, Retry = Quick });

        var job = await FinishedAsync(grain);
        Assert.Equal(JobStatus.Succeeded, job.Status);
        Assert.Equal([AttemptOutcome.Failed, AttemptOutcome.Failed, AttemptOutcome.Succeeded], job.Attempts.Select(a => a.Outcome!.Value));
        for (var i = 1; i < 3; i++)
        {
            var gap = job.Attempts[i].StartedAt - job.Attempts[i - 1].EndedAt!.Value;
            Assert.True(gap >= TimeSpan.FromMilliseconds(190), $"attempt {i + 1} started {gap} after the failure, before its backoff");
            Assert.Equal(job.Attempts[i - 1].EndedAt!.Value + TimeSpan.FromMilliseconds(200), job.Attempts[i].DueAt);
        }
        Assert.All(job.Attempts.Take(2), a => Assert.Contains("fail", a.Error!.Message, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Job_fails_when_its_attempts_are_exhausted_and_can_then_be_retried()
    {
        var (grain, _) = await SubmitAsync(new JobSpec { Type = "delay", Payload = """{"duration":"00:00:00","failAttempts":2}""", MaxAttempts = 2, Retry = Quick });

        var failed = await FinishedAsync(grain);
        Assert.Equal(JobStatus.Failed, failed.Status);
        Assert.Equal(2, failed.Attempts.Count);
        Assert.NotNull(failed.Error);

        var retried = await grain.Retry();
        Assert.Equal(JobStatus.Queued, retried.Status);
        var job = await FinishedAsync(grain);
        Assert.Equal(JobStatus.Succeeded, job.Status);
        Assert.Equal(3, job.Attempts.Count);
        Assert.Null(job.Error);
    }

    [Fact]
    public async Task Retry_is_refused_unless_the_job_failed_or_was_cancelled()
    {
        var (grain, _) = await SubmitAsync(new JobSpec { Type = "noop" });
        await FinishedAsync(grain);
        var conflict = await Assert.ThrowsAsync<JobConflictException>(() => grain.Retry());
        Assert.Equal(JobStatus.Succeeded, conflict.Status);
        await Assert.ThrowsAsync<JobConflictException>(() => grain.Cancel());
    }

    [Fact]
    public async Task Cancelling_a_running_job_fires_the_handlers_token()
    {
        var (grain, _) = await SubmitAsync(new JobSpec { Type = "delay", Payload = """{"duration":"00:00:30","steps":30}""" });
        await UntilAsync(grain, j => j.Status == JobStatus.Running);

        var watch = Stopwatch.StartNew();
        var cancelled = await grain.Cancel();
        // A handler that missed its token would be abandoned only after the grace period: a second under it tells them apart.
        Assert.True(watch.Elapsed < JobClusterFixture.CancellationGracePeriod - TimeSpan.FromSeconds(1),
            $"cancel took {watch.Elapsed}: the handler's token did not fire");
        Assert.Equal(JobStatus.Cancelled, cancelled.Status);
        Assert.Equal(AttemptOutcome.Cancelled, Assert.Single(cancelled.Attempts).Outcome);
    }

    [Fact]
    public async Task A_handler_that_ignores_cancellation_is_abandoned_after_the_grace_period()
    {
        var (grain, _) = await SubmitAsync(new JobSpec { Type = "stubborn" });
        await UntilAsync(grain, j => j.Status == JobStatus.Running);

        var watch = Stopwatch.StartNew();
        var cancelled = await grain.Cancel();
        Assert.Equal(JobStatus.Cancelled, cancelled.Status);
        Assert.InRange(watch.Elapsed, JobClusterFixture.CancellationGracePeriod - TimeSpan.FromSeconds(0.1), TimeSpan.FromSeconds(12));
    }

    [Fact]
    public async Task Waiting_jobs_can_be_cancelled_and_do_not_run()
    {
        var (grain, scheduled) = await SubmitAsync(new JobSpec { Type = "noop", RunAt = DateTimeOffset.UtcNow.AddSeconds(2) });
        Assert.Equal(JobStatus.Scheduled, scheduled.Status);
        var cancelled = await grain.Cancel();
        Assert.Equal(JobStatus.Cancelled, cancelled.Status);
        await Task.Delay(2500, TestContext.Current.CancellationToken); // past its run time: it must not start
        var job = (await grain.Get())!;
        Assert.Equal(JobStatus.Cancelled, job.Status);
        Assert.Empty(job.Attempts);
    }

    [Fact]
    public async Task Timed_out_attempts_fail_and_are_retried()
    {
        var (grain, _) = await SubmitAsync(new JobSpec
        {
            Type = "delay", Payload = """{"duration":"00:00:10"}""", Timeout = TimeSpan.FromMilliseconds(300), MaxAttempts = 2, Retry = Quick,
        });
        var job = await FinishedAsync(grain);
        Assert.Equal(JobStatus.Failed, job.Status);
        Assert.Equal([AttemptOutcome.TimedOut, AttemptOutcome.TimedOut], job.Attempts.Select(a => a.Outcome!.Value));
        Assert.Equal("Timeout", job.Error!.Type);
        Assert.All(job.Attempts, a => Assert.True(a.EndedAt - a.StartedAt < TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Delayed_job_waits_scheduled_and_starts_on_time()
    {
        var runAt = DateTimeOffset.UtcNow.AddSeconds(2);
        var (grain, submitted) = await SubmitAsync(new JobSpec { Type = "noop", RunAt = runAt });
        Assert.Equal(JobStatus.Scheduled, submitted.Status);
        Assert.Equal(runAt, submitted.ScheduledAt);

        var job = await FinishedAsync(grain);
        Assert.Equal(JobStatus.Succeeded, job.Status);
        var attempt = Assert.Single(job.Attempts);
        Assert.True(attempt.StartedAt >= runAt, "started early");
        // Its own timer starts it within milliseconds; 2 s leaves room for a busy machine running other silos beside this one.
        Assert.True(attempt.StartedAt - runAt < TimeSpan.FromSeconds(2), $"started {attempt.StartedAt - runAt} late");
    }

    [Fact]
    public async Task Deactivated_scheduled_jobs_are_woken_by_the_sweeper()
    {
        var runAt = DateTimeOffset.UtcNow.AddSeconds(3);
        var grains = new List<IJobGrain>();
        for (var i = 0; i < 5; i++)
        {
            var (grain, _) = await SubmitAsync(new JobSpec { Type = "noop", RunAt = runAt });
            await fixture.Cluster.DeactivateAsync((Orleans.Runtime.IAddressable)grain);
            grains.Add(grain);
        }

        // WaitForCompletion would activate the grains itself: watch the job table instead, as the sweeper does.
        await Infrastructure.Eventually.Until(async () =>
        {
            foreach (var grain in grains)
            {
                var stored = await fixture.Store.ReadAsync(grain.GetPrimaryKeyString(), TestContext.Current.CancellationToken);
                if (stored!.State.Status != JobStatus.Succeeded) return false;
            }
            return true;
        }, TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(100), "the sweeper did not wake every deactivated scheduled job");
    }

    [Fact]
    public async Task The_same_idempotency_key_always_returns_the_first_job()
    {
        var key = "order-" + Guid.NewGuid();
        var id = JobIds.FromIdempotencyKey(key);
        var grain = fixture.Grains.GetGrain<IJobGrain>(id);
        var first = await grain.Submit(new JobSpec { Type = "noop", IdempotencyKey = key, Tags = new Dictionary<string, string> { ["n"] = "1" } });
        Assert.True(first.Created);
        await FinishedAsync(grain);

        await fixture.Cluster.DeactivateAsync((Orleans.Runtime.IAddressable)grain);
        var second = await fixture.Grains.GetGrain<IJobGrain>(JobIds.FromIdempotencyKey(key))
            .Submit(new JobSpec { Type = "delay", IdempotencyKey = key, Tags = new Dictionary<string, string> { ["n"] = "2" } });
        Assert.False(second.Created);
        Assert.Equal(id, second.Job.Id);
        Assert.Equal("noop", second.Job.Spec!.Type);
        Assert.Equal("1", second.Job.Spec.Tags!["n"]);
        Assert.Equal(JobStatus.Succeeded, second.Job.Status);
    }

    [Fact]
    public async Task Status_and_progress_are_answered_at_once_while_a_10_second_handler_runs()
    {
        var (grain, _) = await SubmitAsync(new JobSpec { Type = "delay", Payload = """{"duration":"00:00:10","steps":20}""" });
        await UntilAsync(grain, j => j.Status == JobStatus.Running && j.Progress is not null);

        var slowest = TimeSpan.Zero;
        for (var i = 0; i < 10; i++)
        {
            var watch = Stopwatch.StartNew();
            var job = await grain.Get();
            slowest = watch.Elapsed > slowest ? watch.Elapsed : slowest;
            Assert.Equal(JobStatus.Running, job!.Status);
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
        // A call queued behind the handler would wait for the rest of its 10 s; 2 s leaves room for a busy machine's pauses.
        Assert.True(slowest < TimeSpan.FromSeconds(2), $"a status call took {slowest} while the handler ran");
        var running = (await grain.Get())!;
        Assert.InRange(running.Progress!.Percent!.Value, 5, 95);
        await grain.Cancel();
    }

    [Fact]
    public async Task A_job_is_never_shown_in_a_state_that_is_not_stored_yet()
    {
        var cancel = TestContext.Current.CancellationToken;
        var id = JobIds.New();
        var grain = fixture.Grains.GetGrain<IJobGrain>(id);
        var release = new TaskCompletionSource();
        var creating = fixture.HeldWrites.Hold(id, _ => true, release.Task);

        // While its creation is being written, the job does not exist yet (its 202 has not been sent).
        var submit = grain.Submit(new JobSpec { Type = "noop" });
        await creating.WaitAsync(TimeSpan.FromSeconds(10), cancel);
        Assert.Null(await grain.Get());
        Assert.Null(await fixture.Store.ReadAsync(id, cancel));
        var outcome = new TaskCompletionSource();
        var finishing = fixture.HeldWrites.Hold(id, j => j.Status.IsTerminal(), outcome.Task);
        release.SetResult();
        var submitted = (await submit).Job;
        Assert.Equal(JobStatus.Running, submitted.Status);

        // The handler has returned and the outcome is being written: callers still see the stored Running.
        await finishing.WaitAsync(TimeSpan.FromSeconds(10), cancel);
        var shown = await grain.Get();
        Assert.Equal(JobStatus.Running, shown!.Status);
        Assert.Null(shown.Attempts[^1].Outcome);
        var waited = await grain.WaitForCompletion(TimeSpan.FromMilliseconds(300));
        Assert.Equal(JobStatus.Running, waited!.Status);
        Assert.Equal(JobStatus.Running, (await fixture.Store.ReadAsync(id, cancel))!.State.Status);

        // Once it is stored, it is shown.
        var completion = grain.WaitForCompletion(TimeSpan.FromSeconds(10));
        outcome.SetResult();
        Assert.Equal(JobStatus.Succeeded, (await completion)!.Status);
        Assert.Equal(JobStatus.Succeeded, (await fixture.Store.ReadAsync(id, cancel))!.State.Status);
    }

    [Fact]
    public async Task Unknown_jobs_are_reported_as_missing()
    {
        var grain = fixture.Grains.GetGrain<IJobGrain>(JobIds.New());
        Assert.Null(await grain.Get());
        await Assert.ThrowsAsync<JobNotFoundException>(() => grain.Cancel());
        await Assert.ThrowsAsync<JobNotFoundException>(() => grain.Retry());
    }
}

using OrleansJobs.Jobs;

namespace OrleansJobs.Tests.Grains.Jobs;

[Trait("Kind", "Unit")]
public sealed class JobLifecycleTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static readonly (JobStatus From, JobStatus To)[] Legal =
    [
        (JobStatus.Scheduled, JobStatus.Queued), (JobStatus.Scheduled, JobStatus.Cancelled), (JobStatus.Scheduled, JobStatus.Failed),
        (JobStatus.Queued, JobStatus.Running), (JobStatus.Queued, JobStatus.Cancelled),
        (JobStatus.Running, JobStatus.Succeeded), (JobStatus.Running, JobStatus.Failed), (JobStatus.Running, JobStatus.Cancelled),
        (JobStatus.Running, JobStatus.Scheduled), (JobStatus.Running, JobStatus.Queued),
        (JobStatus.Failed, JobStatus.Queued), (JobStatus.Cancelled, JobStatus.Queued),
    ];

    public static TheoryData<JobStatus, JobStatus> AllPairs()
    {
        var data = new TheoryData<JobStatus, JobStatus>();
        foreach (var from in Enum.GetValues<JobStatus>())
            foreach (var to in Enum.GetValues<JobStatus>())
                data.Add(from, to);
        return data;
    }

    [Theory, MemberData(nameof(AllPairs))]
    public void Every_move_is_legal_exactly_when_the_table_says_so(JobStatus from, JobStatus to) =>
        Assert.Equal(Legal.Contains((from, to)), JobLifecycle.CanMove(from, to));

    [Fact]
    public void Terminal_states_are_Succeeded_Failed_and_Cancelled() =>
        Assert.Equal([JobStatus.Succeeded, JobStatus.Failed, JobStatus.Cancelled], Enum.GetValues<JobStatus>().Where(s => s.IsTerminal()));

    [Fact]
    public void A_job_without_run_time_is_created_Queued_and_one_with_a_future_run_time_Scheduled()
    {
        var now = NewJob(new JobSpec { Type = "noop" });
        Assert.Equal(JobStatus.Queued, now.Status);

        var later = NewJob(new JobSpec { Type = "noop", RunAt = Now.AddMinutes(5) });
        Assert.Equal(JobStatus.Scheduled, later.Status);
        Assert.Equal(Now.AddMinutes(5), later.DueAt);

        var past = NewJob(new JobSpec { Type = "noop", RunAt = Now.AddMinutes(-5) });
        Assert.Equal(JobStatus.Queued, past.Status);
    }

    [Fact]
    public void Trace_id_is_taken_from_the_traceparent()
    {
        var job = NewJob(new JobSpec { Type = "noop", TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" });
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", job.TraceId);
    }

    [Fact]
    public void Start_opens_a_numbered_attempt_due_at_the_scheduled_time()
    {
        var job = NewJob(new JobSpec { Type = "noop", RunAt = Now.AddSeconds(10) });
        JobLifecycle.BecomeDue(job, Now.AddSeconds(10));
        var attempt = JobLifecycle.Start(job, Now.AddSeconds(10.2), "silo-a");
        Assert.Equal(JobStatus.Running, job.Status);
        Assert.Equal(1, attempt.Number);
        Assert.Equal(Now.AddSeconds(10), attempt.DueAt);
        Assert.Equal("silo-a", attempt.Silo);
        Assert.Null(attempt.Outcome);
    }

    [Fact]
    public void Success_closes_the_attempt_and_keeps_the_result()
    {
        var job = Running(new JobSpec { Type = "noop" });
        JobLifecycle.Succeed(job, Now.AddSeconds(1), """{"ok":true}""");
        Assert.Equal(JobStatus.Succeeded, job.Status);
        Assert.Equal(AttemptOutcome.Succeeded, job.Attempts[0].Outcome);
        Assert.Equal(Now.AddSeconds(1), job.CompletedAt);
        Assert.Equal("""{"ok":true}""", job.Result);
    }

    [Fact]
    public void A_retryable_failure_with_attempts_left_schedules_the_next_attempt()
    {
        var job = Running(new JobSpec { Type = "noop", MaxAttempts = 2 });
        JobLifecycle.Fail(job, Now, AttemptOutcome.Failed, new JobError("boom"), retryable: true, retryAt: Now.AddSeconds(2));
        Assert.Equal(JobStatus.Scheduled, job.Status);
        Assert.Equal(Now.AddSeconds(2), job.NextAttemptAt);
        Assert.Equal(Now.AddSeconds(2), job.DueAt);

        JobLifecycle.BecomeDue(job, Now.AddSeconds(2));
        var second = JobLifecycle.Start(job, Now.AddSeconds(2.1), "silo");
        Assert.Equal(2, second.Number);
        Assert.Equal(Now.AddSeconds(2), second.DueAt);
        JobLifecycle.Fail(job, Now.AddSeconds(3), AttemptOutcome.TimedOut, new JobError("slow"), retryable: true, retryAt: Now.AddSeconds(9));
        Assert.Equal(JobStatus.Failed, job.Status);
        Assert.Equal("slow", job.Error!.Message);
        Assert.Null(job.DueAt);
    }

    [Fact]
    public void A_non_retryable_failure_fails_the_job_at_once()
    {
        var job = Running(new JobSpec { Type = "noop", MaxAttempts = 5 });
        JobLifecycle.Fail(job, Now, AttemptOutcome.Failed, new JobError("bad input"), retryable: false, retryAt: Now);
        Assert.Equal(JobStatus.Failed, job.Status);
    }

    [Fact]
    public void Only_failure_outcomes_can_fail_an_attempt()
    {
        var job = Running(new JobSpec { Type = "noop" });
        Assert.Throws<ArgumentOutOfRangeException>(() => JobLifecycle.Fail(job, Now, AttemptOutcome.Succeeded, new JobError("x"), true, Now));
    }

    [Fact]
    public void Interrupted_attempts_do_not_count_against_the_budget()
    {
        var job = Running(new JobSpec { Type = "noop", MaxAttempts = 1 });
        JobLifecycle.Interrupt(job, Now);
        Assert.Equal(JobStatus.Queued, job.Status);
        Assert.Equal(AttemptOutcome.Interrupted, job.Attempts[0].Outcome);
        Assert.Equal(0, job.CountedAttempts);

        JobLifecycle.Start(job, Now, "silo");
        JobLifecycle.Fail(job, Now, AttemptOutcome.Lost, new JobError("lost"), retryable: true, retryAt: Now);
        Assert.Equal(JobStatus.Failed, job.Status);
        Assert.Equal(2, job.Attempt);
        Assert.Equal(1, job.CountedAttempts);
    }

    [Fact]
    public void Manual_retry_of_a_failed_job_gives_a_fresh_budget_and_keeps_history()
    {
        var job = Running(new JobSpec { Type = "noop", MaxAttempts = 1 });
        JobLifecycle.Fail(job, Now, AttemptOutcome.Failed, new JobError("boom"), retryable: true, retryAt: Now);
        Assert.Equal(JobStatus.Failed, job.Status);

        JobLifecycle.Retry(job, Now.AddMinutes(1));
        Assert.Equal(JobStatus.Queued, job.Status);
        Assert.Null(job.Error);
        Assert.Null(job.CompletedAt);
        Assert.Equal(0, job.CountedAttempts);
        var attempt = JobLifecycle.Start(job, Now.AddMinutes(1), "silo");
        Assert.Equal(2, attempt.Number);
        Assert.Equal(Now.AddMinutes(1), attempt.DueAt);
    }

    [Theory]
    [InlineData(JobStatus.Scheduled)]
    [InlineData(JobStatus.Queued)]
    [InlineData(JobStatus.Running)]
    public void Waiting_and_running_jobs_can_be_cancelled(JobStatus status)
    {
        var job = InStatus(status);
        JobLifecycle.Cancel(job, Now);
        Assert.Equal(JobStatus.Cancelled, job.Status);
        Assert.Null(job.NextAttemptAt);
        if (status == JobStatus.Running) Assert.Equal(AttemptOutcome.Cancelled, job.Attempts[^1].Outcome);
    }

    [Theory]
    [InlineData(JobStatus.Succeeded)]
    [InlineData(JobStatus.Failed)]
    [InlineData(JobStatus.Cancelled)]
    public void Terminal_jobs_cannot_be_cancelled_or_started(JobStatus status)
    {
        var job = InStatus(status);
        Assert.Throws<InvalidJobTransitionException>(() => JobLifecycle.Cancel(job, Now));
        Assert.Throws<InvalidJobTransitionException>(() => JobLifecycle.Start(job, Now, "silo"));
        Assert.Throws<InvalidJobTransitionException>(() => JobLifecycle.Succeed(job, Now, null));
    }

    [Theory]
    [InlineData(JobStatus.Scheduled)]
    [InlineData(JobStatus.Queued)]
    [InlineData(JobStatus.Running)]
    [InlineData(JobStatus.Succeeded)]
    public void Only_failed_or_cancelled_jobs_can_be_retried(JobStatus status) =>
        Assert.Throws<InvalidJobTransitionException>(() => JobLifecycle.Retry(InStatus(status), Now));

    [Fact]
    public void A_job_cannot_be_created_twice()
    {
        var job = NewJob(new JobSpec { Type = "noop" });
        Assert.Throws<InvalidOperationException>(() => JobLifecycle.Create(job, "job_x", new JobSpec { Type = "noop" }, Now));
    }

    private static JobState NewJob(JobSpec spec)
    {
        var job = new JobState();
        JobLifecycle.Create(job, JobIds.New(), spec, Now);
        return job;
    }

    private static JobState Running(JobSpec spec)
    {
        var job = NewJob(spec);
        JobLifecycle.Start(job, Now, "silo");
        return job;
    }

    private static JobState InStatus(JobStatus status)
    {
        var job = status == JobStatus.Scheduled ? NewJob(new JobSpec { Type = "noop", RunAt = Now.AddHours(1) }) : NewJob(new JobSpec { Type = "noop", MaxAttempts = 1 });
        switch (status)
        {
            case JobStatus.Running: JobLifecycle.Start(job, Now, "silo"); break;
            case JobStatus.Succeeded: JobLifecycle.Start(job, Now, "silo"); JobLifecycle.Succeed(job, Now, null); break;
            case JobStatus.Failed: JobLifecycle.Start(job, Now, "silo"); JobLifecycle.Fail(job, Now, AttemptOutcome.Failed, new JobError("x"), false, Now); break;
            case JobStatus.Cancelled: JobLifecycle.Cancel(job, Now); break;
        }
        Assert.Equal(status, job.Status);
        return job;
    }
}

using OrleansJobs.Jobs;

namespace OrleansJobs.Tests.Grains.Jobs;

/// <summary>What <see cref="JobLifecycle"/> decides about attempts leased to external workers.</summary>
[Trait("Kind", "Unit")]
public sealed class LeaseLifecycleTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_leased_attempt_is_Running_records_its_worker_and_is_held_only_under_its_lease_id()
    {
        var job = Leased(new JobSpec { Type = "py" }, out var attempt);
        Assert.Equal(JobStatus.Running, job.Status);
        Assert.Equal("w1", attempt.Worker);
        Assert.Equal(Now.AddSeconds(30), attempt.LeaseExpiresAt);
        Assert.Same(attempt, JobLifecycle.OpenLease(job, "lease-1"));
        Assert.Null(JobLifecycle.OpenLease(job, "lease-0"));
    }

    [Fact]
    public void Heartbeat_extends_the_lease_but_never_shortens_it()
    {
        var job = Leased(new JobSpec { Type = "py" }, out var attempt);
        Assert.True(JobLifecycle.Heartbeat(job, attempt, Now.AddSeconds(20), TimeSpan.FromSeconds(30)));
        Assert.Equal(Now.AddSeconds(50), attempt.LeaseExpiresAt);
        Assert.False(JobLifecycle.Heartbeat(job, attempt, Now.AddSeconds(21), TimeSpan.FromSeconds(5)));
        Assert.Equal(Now.AddSeconds(50), attempt.LeaseExpiresAt);
    }

    [Fact]
    public void Heartbeat_past_the_timeout_asks_the_worker_to_stop_and_the_expired_lease_then_ends_TimedOut()
    {
        var job = Leased(new JobSpec { Type = "py", Timeout = TimeSpan.FromSeconds(10) }, out var attempt);
        Assert.True(JobLifecycle.Heartbeat(job, attempt, Now.AddSeconds(11), extend: null));
        Assert.Equal(AttemptStopReason.Timeout, attempt.StopRequested);

        JobLifecycle.ExpireLease(job, attempt, Now.AddSeconds(40), jitterSample: 0.5);
        Assert.Equal(AttemptOutcome.TimedOut, attempt.Outcome);
        Assert.Equal(JobStatus.Scheduled, job.Status);
    }

    [Fact]
    public void An_expired_lease_is_a_lost_attempt_retried_at_once_and_counted()
    {
        var job = Leased(new JobSpec { Type = "py", MaxAttempts = 2 }, out var attempt);
        JobLifecycle.ExpireLease(job, attempt, Now.AddSeconds(31), jitterSample: 0.5);
        Assert.Equal(AttemptOutcome.Lost, attempt.Outcome);
        Assert.Equal(JobStatus.Scheduled, job.Status);
        Assert.Equal(Now.AddSeconds(31), job.NextAttemptAt);
        Assert.Equal(1, job.CountedAttempts);
    }

    [Fact]
    public void An_expired_lease_of_a_cancelled_job_ends_it_Cancelled()
    {
        var job = Leased(new JobSpec { Type = "py" }, out var attempt);
        Assert.True(JobLifecycle.RequestStop(attempt, AttemptStopReason.Cancel));
        Assert.False(JobLifecycle.RequestStop(attempt, AttemptStopReason.Timeout)); // the first reason wins
        JobLifecycle.ExpireLease(job, attempt, Now.AddSeconds(31), jitterSample: 0.5);
        Assert.Equal(JobStatus.Cancelled, job.Status);
    }

    [Fact]
    public void A_reported_failure_is_retried_unless_the_worker_says_it_is_not_retryable()
    {
        var retried = Leased(new JobSpec { Type = "py" }, out _);
        JobLifecycle.EndAttempt(retried, Now.AddSeconds(1), AttemptStopReason.None, null, new JobError("boom", "WorkerError"), retryable: true, 0.5);
        Assert.Equal(JobStatus.Scheduled, retried.Status);

        var failed = Leased(new JobSpec { Type = "py" }, out _);
        JobLifecycle.EndAttempt(failed, Now.AddSeconds(1), AttemptStopReason.None, null, new JobError("bad input", "WorkerError"), retryable: false, 0.5);
        Assert.Equal(JobStatus.Failed, failed.Status);
        Assert.Equal("bad input", failed.Error?.Message);
        Assert.Null(JobLifecycle.OpenLease(failed));
    }

    [Fact]
    public void Only_a_lease_whose_attempt_ended_with_that_outcome_counts_as_ended_as_it()
    {
        var job = Leased(new JobSpec { Type = "py" }, out _);
        Assert.False(JobLifecycle.EndedAs(job, "lease-1", AttemptOutcome.Succeeded)); // still open

        JobLifecycle.EndAttempt(job, Now.AddSeconds(1), AttemptStopReason.None, "{}", error: null, retryable: true, 0.5);

        Assert.True(JobLifecycle.EndedAs(job, "lease-1", AttemptOutcome.Succeeded));
        Assert.False(JobLifecycle.EndedAs(job, "lease-1", AttemptOutcome.Failed));
        Assert.False(JobLifecycle.EndedAs(job, "lease-other", AttemptOutcome.Succeeded));
    }

    private static JobState Leased(JobSpec spec, out JobAttempt attempt)
    {
        var job = new JobState();
        JobLifecycle.Create(job, "job_1", spec, Now);
        attempt = JobLifecycle.StartLeased(job, Now, "silo-1", "w1", "lease-1", Now.AddSeconds(30));
        return job;
    }
}

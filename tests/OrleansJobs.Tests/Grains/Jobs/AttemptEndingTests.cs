using OrleansJobs.Handlers;
using OrleansJobs.Jobs;
using Xunit;

namespace OrleansJobs.Tests.Grains.Jobs;

/// <summary>
/// The decisions the job grain used to take itself and that now live in <see cref="JobLifecycle"/>: how a stopped
/// attempt ends, when a failed one runs again, the event sequence, and what a finished job owes others.
/// </summary>
[Trait("Kind", "Unit")]
public sealed class AttemptEndingTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    private static readonly RetryPolicy Exact = new() { InitialDelay = TimeSpan.FromSeconds(2), Multiplier = 2, MaxDelay = TimeSpan.FromMinutes(1), Jitter = false };

    [Fact]
    public void A_handler_that_returns_succeeds_even_when_it_was_asked_to_cancel()
    {
        foreach (var stop in new[] { AttemptStopReason.None, AttemptStopReason.Cancel })
        {
            var job = Running();
            JobLifecycle.EndAttempt(job, Now, stop, """{"n":1}""", error: null, jitterSample: 0);
            Assert.Equal(JobStatus.Succeeded, job.Status);
            Assert.Equal("""{"n":1}""", job.Result);
        }
    }

    [Fact]
    public void A_cancelled_handler_that_throws_cancels_the_job()
    {
        var job = Running();
        JobLifecycle.EndAttempt(job, Now, AttemptStopReason.Cancel, null, new OperationCanceledException(), 0);
        Assert.Equal(JobStatus.Cancelled, job.Status);
        Assert.Equal(AttemptOutcome.Cancelled, job.Attempts[^1].Outcome);
    }

    [Fact]
    public void A_shutdown_interrupts_the_attempt_whatever_the_handler_did()
    {
        var job = Running();
        JobLifecycle.EndAttempt(job, Now, AttemptStopReason.Shutdown, "{}", null, 0);
        Assert.Equal(JobStatus.Queued, job.Status);
        Assert.Equal(AttemptOutcome.Interrupted, job.Attempts[^1].Outcome);
        Assert.Equal(0, job.CountedAttempts);
    }

    [Fact]
    public void A_timed_out_attempt_is_retried_after_the_backoff_even_if_its_handler_returned()
    {
        var job = Running(new JobSpec { Type = "noop", Retry = Exact, Timeout = TimeSpan.FromSeconds(3) });
        JobLifecycle.EndAttempt(job, Now, AttemptStopReason.Timeout, "{}", null, 0);
        Assert.Equal(JobStatus.Scheduled, job.Status);
        Assert.Equal(AttemptOutcome.TimedOut, job.Attempts[^1].Outcome);
        Assert.Equal("Timeout", job.Error!.Type);
        Assert.Contains("00:00:03", job.Error.Message);
        Assert.Equal(Now.AddSeconds(2), job.NextAttemptAt);
    }

    [Fact]
    public void A_failure_is_retried_after_the_backoff_of_its_counted_attempts()
    {
        var job = Running(new JobSpec { Type = "noop", Retry = Exact, MaxAttempts = 5 });
        JobLifecycle.EndAttempt(job, Now, AttemptStopReason.None, null, new InvalidOperationException("boom"), 0);
        Assert.Equal(JobStatus.Scheduled, job.Status);
        Assert.Equal(new JobError("boom", nameof(InvalidOperationException)), job.Error);
        Assert.Equal(Now.AddSeconds(2), job.NextAttemptAt);

        JobLifecycle.BecomeDue(job, Now.AddSeconds(2));
        JobLifecycle.Start(job, Now.AddSeconds(2), "silo");
        JobLifecycle.EndAttempt(job, Now.AddSeconds(3), AttemptStopReason.None, null, new InvalidOperationException("again"), 0);
        Assert.Equal(Now.AddSeconds(3 + 4), job.NextAttemptAt);
    }

    [Fact]
    public void The_jitter_sample_spreads_the_retry_time()
    {
        var early = Running(new JobSpec { Type = "noop", Retry = Exact with { Jitter = true } });
        var late = Running(new JobSpec { Type = "noop", Retry = Exact with { Jitter = true } });
        JobLifecycle.EndAttempt(early, Now, AttemptStopReason.None, null, new Exception("x"), jitterSample: 0);
        JobLifecycle.EndAttempt(late, Now, AttemptStopReason.None, null, new Exception("x"), jitterSample: 0.99);
        Assert.Equal(Now.AddSeconds(1.6), early.NextAttemptAt);
        Assert.True(late.NextAttemptAt > Now.AddSeconds(2.3));
    }

    [Fact]
    public void A_handler_that_says_its_failure_is_final_is_not_retried()
    {
        var job = Running(new JobSpec { Type = "noop", MaxAttempts = 5 });
        JobLifecycle.EndAttempt(job, Now, AttemptStopReason.None, null, new JobFailedException("bad input", retryable: false), 0);
        Assert.Equal(JobStatus.Failed, job.Status);
        Assert.Equal(Now, job.CompletedAt);
    }

    [Fact]
    public void A_lost_attempt_is_due_again_at_once_and_counts_against_the_budget()
    {
        var job = Running(new JobSpec { Type = "noop", Retry = Exact, MaxAttempts = 2 });
        JobLifecycle.LoseAttempt(job, Now, "gone");
        Assert.Equal(JobStatus.Scheduled, job.Status);
        Assert.Equal(Now, job.NextAttemptAt);
        Assert.Equal(new JobError("gone", "Lost"), job.Error);
        Assert.Equal(1, job.CountedAttempts);

        JobLifecycle.BecomeDue(job, Now);
        JobLifecycle.Start(job, Now, "silo");
        JobLifecycle.LoseAttempt(job, Now, "gone again");
        Assert.Equal(JobStatus.Failed, job.Status);
    }

    [Fact]
    public void The_handler_start_moves_the_attempts_start_to_when_the_handler_began()
    {
        var job = Running();
        JobLifecycle.HandlerStarted(job, Now.AddMilliseconds(7));
        Assert.Equal(Now.AddMilliseconds(7), job.StartedAt);
        Assert.Equal(Now.AddMilliseconds(7), job.Attempts[^1].StartedAt);
    }

    [Fact]
    public void A_recovered_job_skips_past_every_event_its_lost_attempt_could_have_published()
    {
        var job = Running();
        var sequence = job.Sequence;
        // 9 s since the last write at one event per 90 ms at most: 100 events, plus a margin of 10.
        JobLifecycle.SkipUnrecordedEvents(job, job.UpdatedAt.AddSeconds(9), TimeSpan.FromMilliseconds(90));
        Assert.Equal(sequence + 110, job.Sequence);

        // A clock behind the last write skips only the margin.
        JobLifecycle.SkipUnrecordedEvents(job, job.UpdatedAt.AddSeconds(-5), TimeSpan.FromMilliseconds(90));
        Assert.Equal(sequence + 120, job.Sequence);
    }

    [Fact]
    public void Settling_a_change_counts_an_event_only_when_the_status_changed()
    {
        var job = Running();
        var sequence = job.Sequence;
        Assert.Equal(new JobChange(false, false, false), JobLifecycle.Settle(job, JobStatus.Running, existedBefore: true));
        Assert.Equal(sequence, job.Sequence);

        JobLifecycle.Succeed(job, Now, null);
        Assert.Equal(new JobChange(StatusChanged: true, Finished: true, HandOverDue: false), JobLifecycle.Settle(job, JobStatus.Running, true));
        Assert.Equal(sequence + 1, job.Sequence);
        Assert.False(job.HandOverPending);
    }

    [Fact]
    public void A_job_that_finishes_owes_its_hand_over_in_the_same_write()
    {
        var job = Running(new JobSpec { Type = "noop", CallbackUrl = "https://example.test/done" });
        JobLifecycle.Succeed(job, Now, null);
        var change = JobLifecycle.Settle(job, JobStatus.Running, true);
        Assert.True(change.HandOverDue);
        Assert.True(job.HandOverPending);
    }

    [Fact]
    public void A_new_job_waiting_for_dependencies_owes_its_registration_and_a_first_event()
    {
        var job = new JobState();
        JobLifecycle.Create(job, JobIds.New(), new JobSpec { Type = "noop", DependsOn = ["job_a"] }, Now);
        var change = JobLifecycle.Settle(job, default, existedBefore: false);
        Assert.True(change.StatusChanged);
        Assert.False(change.Finished);
        Assert.True(job.HandOverPending);
        Assert.Equal(1, job.Sequence);

        Assert.True(JobLifecycle.Registered(job));
        Assert.False(job.HandOverPending);
        Assert.False(JobLifecycle.Registered(job));
    }

    [Fact]
    public void Watching_and_adding_dependents_change_a_job_once_and_never_a_finished_one()
    {
        var job = Running();
        Assert.True(JobLifecycle.Watch(job));
        Assert.False(JobLifecycle.Watch(job));
        Assert.True(JobLifecycle.AddDependent(job, "job_b"));
        Assert.False(JobLifecycle.AddDependent(job, "job_b"));

        JobLifecycle.Succeed(job, Now, null);
        Assert.False(JobLifecycle.AddDependent(job, "job_c"));
        Assert.False(JobLifecycle.IsUnwatched(new JobState { Status = JobStatus.Failed }));
    }

    private static JobState Running(JobSpec? spec = null)
    {
        var job = new JobState();
        JobLifecycle.Create(job, JobIds.New(), spec ?? new JobSpec { Type = "noop" }, Now);
        JobLifecycle.Start(job, Now, "silo");
        return job;
    }
}

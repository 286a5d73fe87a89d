using OrleansJobs.Retries;

namespace OrleansJobs.Jobs;

/// <summary>
/// The job lifecycle as one table of legal moves, and the operations that make them. Pure: it changes a
/// <see cref="JobState"/> in memory and knows nothing of grains, storage or time sources.
/// <code>
///   submit ──► Scheduled ──due──► Queued ──start──► Running ──► Succeeded
///     │            ▲                 ▲                 │ ├──► Failed (attempts exhausted or not retryable)
///     └────────────┼─────────────────┘   retry backoff │ ├──► Cancelled
///                  └───────────────────────────────────┘ └──► Queued (interrupted by shutdown)
///   Scheduled/Queued ──cancel──► Cancelled;  Failed/Cancelled ──retry──► Queued
///   submit with dependsOn ──► Scheduled (no due time) ──all succeeded──► Queued (or Scheduled for its runAt)
///                                  └──one failed or was cancelled──► Failed or Cancelled
/// </code>
/// </summary>
public static class JobLifecycle
{
    private static readonly Dictionary<JobStatus, JobStatus[]> Moves = new()
    {
        [JobStatus.Scheduled] = [JobStatus.Queued, JobStatus.Cancelled, JobStatus.Failed],
        [JobStatus.Queued] = [JobStatus.Running, JobStatus.Cancelled],
        [JobStatus.Running] = [JobStatus.Succeeded, JobStatus.Failed, JobStatus.Cancelled, JobStatus.Scheduled, JobStatus.Queued],
        [JobStatus.Succeeded] = [],
        [JobStatus.Failed] = [JobStatus.Queued],
        [JobStatus.Cancelled] = [JobStatus.Queued],
    };

    public static bool CanMove(JobStatus from, JobStatus to) => Moves[from].Contains(to);

    /// <summary>
    /// Initialises a new job: Scheduled when it has dependencies (with no due time: it waits for them, see
    /// <see cref="DependenciesMet"/>) or a future run time, Queued otherwise.
    /// </summary>
    public static void Create(JobState job, string id, JobSpec spec, DateTimeOffset now)
    {
        if (job.Exists) throw new InvalidOperationException($"Job '{id}' already exists.");
        job.Id = id;
        job.Spec = spec;
        job.CreatedAt = now;
        job.UpdatedAt = now;
        job.TraceId = Telemetry.JobTelemetry.TraceIdOf(spec.TraceParent);
        if (spec.DependsOn is { Count: > 0 })
        {
            job.Status = JobStatus.Scheduled;
        }
        else if (spec.RunAt is { } runAt && runAt > now)
        {
            job.Status = JobStatus.Scheduled;
            job.ScheduledAt = runAt;
        }
        else
        {
            job.Status = JobStatus.Queued;
        }
    }

    /// <summary>A scheduled job's time has come.</summary>
    public static void BecomeDue(JobState job, DateTimeOffset now) => Move(job, JobStatus.Queued, now);

    /// <summary>Every dependency of a waiting job succeeded: it is due now, or at its run time if that is still ahead.</summary>
    public static void DependenciesMet(JobState job, DateTimeOffset now)
    {
        if (job.Spec!.RunAt is { } runAt && runAt > now)
        {
            job.ScheduledAt = runAt;
            job.UpdatedAt = now;
        }
        else
        {
            Move(job, JobStatus.Queued, now);
        }
    }

    /// <summary>A job that never ran fails without an attempt (a dependency of it failed).</summary>
    public static void FailWaiting(JobState job, DateTimeOffset now, JobError error)
    {
        Move(job, JobStatus.Failed, now);
        job.Error = error;
        job.CompletedAt = now;
    }

    /// <summary>Opens a new attempt; returns it.</summary>
    public static JobAttempt Start(JobState job, DateTimeOffset now, string silo)
    {
        var dueAt = job.NextAttemptAt ?? job.ScheduledAt ?? job.CreatedAt;
        Move(job, JobStatus.Running, now);
        var attempt = new JobAttempt { Number = job.Attempt + 1, StartedAt = now, DueAt = dueAt, Silo = silo };
        job.Attempts.Add(attempt);
        job.StartedAt = now;
        job.NextAttemptAt = null;
        job.Error = null;
        return attempt;
    }

    public static void Succeed(JobState job, DateTimeOffset now, string? result)
    {
        CloseAttempt(job, now, AttemptOutcome.Succeeded, null);
        Move(job, JobStatus.Succeeded, now);
        job.Result = result;
        job.CompletedAt = now;
    }

    /// <summary>
    /// The running attempt failed, timed out or was lost. With attempts left and a retryable error the job waits
    /// for <paramref name="retryAt"/> (Scheduled); otherwise it is Failed.
    /// </summary>
    public static void Fail(JobState job, DateTimeOffset now, AttemptOutcome outcome, JobError error, bool retryable, DateTimeOffset retryAt)
    {
        if (outcome is not (AttemptOutcome.Failed or AttemptOutcome.TimedOut or AttemptOutcome.Lost))
            throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Not a failure outcome.");
        CloseAttempt(job, now, outcome, error);
        job.Error = error;
        if (BackoffPolicy.ShouldRetry(job.CountedAttempts, job.Spec!.MaxAttempts, retryable))
        {
            Move(job, JobStatus.Scheduled, now);
            job.NextAttemptAt = retryAt;
        }
        else
        {
            Move(job, JobStatus.Failed, now);
            job.CompletedAt = now;
        }
    }

    /// <summary>Cancels a job that is waiting or running (its running attempt is closed as cancelled).</summary>
    public static void Cancel(JobState job, DateTimeOffset now)
    {
        if (job.Status == JobStatus.Running) CloseAttempt(job, now, AttemptOutcome.Cancelled, null);
        Move(job, JobStatus.Cancelled, now);
        job.NextAttemptAt = null;
        job.CompletedAt = now;
    }

    /// <summary>A graceful shutdown stopped the running attempt: the job goes back to the queue, its budget untouched.</summary>
    public static void Interrupt(JobState job, DateTimeOffset now)
    {
        CloseAttempt(job, now, AttemptOutcome.Interrupted, new JobError("The silo shut down while the attempt ran.", "Shutdown"));
        Move(job, JobStatus.Queued, now);
        job.NextAttemptAt = now;
    }

    /// <summary>A manual re-run of a Failed or Cancelled job, with a fresh attempt budget.</summary>
    public static void Retry(JobState job, DateTimeOffset now)
    {
        if (job.Status is not (JobStatus.Failed or JobStatus.Cancelled))
            throw new InvalidJobTransitionException(job.Id, job.Status, "retry: only Failed or Cancelled jobs can be retried");
        Move(job, JobStatus.Queued, now);
        job.AttemptsBeforeRetry = job.Attempts.Count;
        job.Error = null;
        job.Result = null;
        job.CompletedAt = null;
        job.NextAttemptAt = now;
    }

    private static void CloseAttempt(JobState job, DateTimeOffset now, AttemptOutcome outcome, JobError? error)
    {
        if (job.Status != JobStatus.Running || job.Attempts.Count == 0 || job.Attempts[^1].Outcome is not null)
            throw new InvalidJobTransitionException(job.Id, job.Status, $"close an attempt as {outcome}");
        var attempt = job.Attempts[^1];
        attempt.EndedAt = now;
        attempt.Outcome = outcome;
        attempt.Error = error;
    }

    private static void Move(JobState job, JobStatus to, DateTimeOffset now)
    {
        if (!CanMove(job.Status, to))
            throw new InvalidJobTransitionException(job.Id, job.Status, $"move to {to}");
        job.Status = to;
        job.UpdatedAt = now;
    }
}

/// <summary>A lifecycle move that the table does not allow.</summary>
public sealed class InvalidJobTransitionException(string jobId, JobStatus from, string what)
    : InvalidOperationException($"Job '{jobId}' is {from}: cannot {what}.");

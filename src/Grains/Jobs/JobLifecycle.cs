using OrleansJobs.Handlers;
using OrleansJobs.Retries;

namespace OrleansJobs.Jobs;

/// <summary>
/// The job lifecycle as one table of legal moves, and the operations that make them: every decision about a job's
/// state is taken here (how a stopped attempt ends, when a failed one runs again, the event sequence, what a finished
/// job owes others). Pure: it changes a <see cref="JobState"/> in memory and knows nothing of grains, storage, time
/// sources or randomness (the time and the jitter sample are passed in).
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
        job.TraceId = TraceParent.TraceIdOf(spec.TraceParent);
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

    /// <summary>
    /// The attempt just stored as Running starts its handler now: its <c>startedAt</c> (and the job's) becomes this
    /// moment rather than the one its Running write was prepared at, so start delays and lateness include that write,
    /// as a user waiting for the handler sees them. Stored with the attempt's outcome.
    /// </summary>
    public static void HandlerStarted(JobState job, DateTimeOffset now) => job.Attempts[^1].StartedAt = (job.StartedAt = now).Value;

    /// <summary>
    /// Closes the running attempt as its handler ended (<paramref name="result"/> or <paramref name="error"/>) under
    /// <paramref name="stop"/>, the first reason it was told to stop, if any:
    /// <code>
    ///   stop      handler             outcome       job
    ///   none      returned            Succeeded     Succeeded
    ///   none      threw               Failed        Scheduled (retry after the backoff) or Failed; not retried when it threw JobFailedException { Retryable: false }
    ///   cancel    returned            Succeeded     Succeeded (it finished before it saw the cancellation)
    ///   cancel    threw or abandoned  Cancelled     Cancelled
    ///   timeout   any                 TimedOut      Scheduled (retry after the backoff) or Failed
    ///   shutdown  any                 Interrupted   Queued (runs again after the restart, not counted)
    /// </code>
    /// </summary>
    public static void EndAttempt(JobState job, DateTimeOffset now, AttemptStopReason stop, string? result, Exception? error, double jitterSample) =>
        EndAttempt(job, now, stop, result, error is null ? null : new JobError(error.Message, error.GetType().Name),
            retryable: error is not JobFailedException { Retryable: false }, jitterSample);

    /// <summary>
    /// The table above, for an attempt whose handler ended with <paramref name="result"/> or <paramref name="error"/> as
    /// reported (an external worker's complete or fail); <paramref name="retryable"/> false fails the job without retries.
    /// </summary>
    public static void EndAttempt(JobState job, DateTimeOffset now, AttemptStopReason stop, string? result, JobError? error, bool retryable, double jitterSample)
    {
        switch (stop)
        {
            case AttemptStopReason.None or AttemptStopReason.Cancel when error is null:
                Succeed(job, now, result);
                break;
            case AttemptStopReason.Cancel:
                Cancel(job, now);
                break;
            case AttemptStopReason.Shutdown:
                Interrupt(job, now);
                break;
            case AttemptStopReason.Timeout:
                Fail(job, now, AttemptOutcome.TimedOut, new JobError(job.Spec!.Timeout is { } timeout
                        ? $"The attempt exceeded the job's timeout of {timeout}."
                        : $"The attempt exceeded the default timeout ({JobServiceOptions.Section}:DefaultTimeout); the job sets none.", "Timeout"),
                    retryable: true, RetryTime(job, now, jitterSample));
                break;
            default:
                Fail(job, now, AttemptOutcome.Failed, error!, retryable, RetryTime(job, now, jitterSample));
                break;
        }
    }

    /// <summary>Opens a new attempt leased to an external worker until <paramref name="expiresAt"/>; returns it.</summary>
    public static JobAttempt StartLeased(JobState job, DateTimeOffset now, string silo, string worker, string leaseId, DateTimeOffset expiresAt)
    {
        var attempt = Start(job, now, silo);
        attempt.Worker = worker;
        attempt.LeaseId = leaseId;
        attempt.LeaseExpiresAt = expiresAt;
        return attempt;
    }

    /// <summary>
    /// The job's open attempt if it is leased to a worker (under <paramref name="leaseId"/>, when one is named); null
    /// otherwise: a worker naming any other lease holds nothing any more.
    /// </summary>
    public static JobAttempt? OpenLease(JobState job, string? leaseId = null) =>
        job.Status == JobStatus.Running && job.Attempts.Count > 0 && job.Attempts[^1] is { Outcome: null, LeaseId: { } id } attempt
        && (leaseId is null || id == leaseId) ? attempt : null;

    /// <summary>
    /// True when the attempt leased under <paramref name="leaseId"/> has already ended with <paramref name="outcome"/>:
    /// the worker repeats its complete (or fail) after losing the answer, and is answered as the first time, with no change.
    /// </summary>
    public static bool EndedAs(JobState job, string leaseId, AttemptOutcome outcome) =>
        job.Attempts.Any(attempt => attempt.LeaseId == leaseId && attempt.Outcome == outcome);

    /// <summary>
    /// A worker's heartbeat: the lease runs out <paramref name="extend"/> from now (never sooner than it did), and an
    /// attempt past the job's timeout is told to stop. False when nothing changed.
    /// </summary>
    public static bool Heartbeat(JobState job, JobAttempt attempt, DateTimeOffset now, TimeSpan? extend)
    {
        var changed = false;
        if (extend is { } more && now + more > attempt.LeaseExpiresAt)
        {
            attempt.LeaseExpiresAt = now + more;
            changed = true;
        }
        if (job.Spec!.Timeout is { } limit && now - attempt.StartedAt >= limit) changed |= RequestStop(attempt, AttemptStopReason.Timeout);
        return changed;
    }

    /// <summary>A leased attempt is told to stop (at the worker's next heartbeat); the first reason wins. False when it already was.</summary>
    public static bool RequestStop(JobAttempt attempt, AttemptStopReason reason)
    {
        if (attempt.StopRequested != AttemptStopReason.None) return false;
        attempt.StopRequested = reason;
        return true;
    }

    /// <summary>
    /// A leased attempt's lease ran out with no word from its worker. Told to stop, it ends as the stop reason says
    /// (<see cref="EndAttempt(JobState, DateTimeOffset, AttemptStopReason, string?, JobError?, bool, double)"/> with no
    /// result); otherwise the attempt is lost with its worker (<see cref="LoseAttempt"/>).
    /// </summary>
    public static void ExpireLease(JobState job, JobAttempt attempt, DateTimeOffset now, double jitterSample)
    {
        if (attempt.StopRequested != AttemptStopReason.None)
            EndAttempt(job, now, attempt.StopRequested, null, new JobError("The worker stopped without reporting.", "LeaseExpired"), retryable: true, jitterSample);
        else
            LoseAttempt(job, now, $"The lease of worker '{attempt.Worker}' expired without a heartbeat.");
    }

    /// <summary>
    /// Closes the running attempt as <see cref="AttemptOutcome.Lost"/>, its runner gone, and has the next one due at
    /// once rather than after the backoff: the job did not fail, its runner did. It still counts against maxAttempts,
    /// so a job that brings its silo down cannot do so forever.
    /// </summary>
    public static void LoseAttempt(JobState job, DateTimeOffset now, string reason) =>
        Fail(job, now, AttemptOutcome.Lost, new JobError(reason, "Lost"), retryable: true, retryAt: now);

    /// <summary>When the running attempt, should it fail now, runs again: after the backoff its counted attempts call for.</summary>
    public static DateTimeOffset RetryTime(JobState job, DateTimeOffset now, double jitterSample) =>
        BackoffPolicy.NextAttemptAt(job.Spec!.Retry, job.CountedAttempts, now, jitterSample);

    /// <summary>
    /// A fresh activation found the job Running: the attempt was lost with its silo, which may have published progress
    /// events after the job's last write, one per <paramref name="minEventGap"/> at most. The sequence moves on past all
    /// of them, so that no watcher mistakes a new event for one it has seen.
    /// </summary>
    public static void SkipUnrecordedEvents(JobState job, DateTimeOffset now, TimeSpan minEventGap)
    {
        var unrecorded = Math.Max(0, (now - job.UpdatedAt).TotalSeconds);
        job.Sequence += 10 + (long)Math.Ceiling(unrecorded * (TimeSpan.FromSeconds(1) / minEventGap));
    }

    /// <summary>A progress report is published: the next event in the job's sequence (not stored until the next write).</summary>
    public static long NextEvent(JobState job) => ++job.Sequence;

    /// <summary>
    /// What a change of <paramref name="job"/> (which was <paramref name="statusBefore"/>, or did not exist) owes beyond
    /// itself, settled in the same write: a status change is the next event; a new job that waits for dependencies owes
    /// its registration with them; a job that finishes owes its hand-over (<see cref="JobHandOver"/>), or nothing.
    /// <see cref="JobState.HandOverPending"/> records either debt until it is paid.
    /// </summary>
    public static JobChange Settle(JobState job, JobStatus statusBefore, bool existedBefore)
    {
        var statusChanged = job.Status != statusBefore || !existedBefore;
        if (statusChanged) NextEvent(job);
        if (!existedBefore && JobDependencies.IsWaiting(job)) job.HandOverPending = true;
        var finished = statusChanged && job.Status.IsTerminal();
        var handOverDue = finished && JobHandOver.IsOwed(job);
        if (finished) job.HandOverPending = handOverDue;
        return new JobChange(statusChanged, finished, handOverDue);
    }

    /// <summary>Nobody has watched the job yet and it has events still to come: a watcher must be recorded.</summary>
    public static bool IsUnwatched(JobState job) => !job.Watched && !job.Status.IsTerminal();

    /// <summary>Someone watches the job from now on: its events are published. False when nothing changes.</summary>
    public static bool Watch(JobState job)
    {
        if (!IsUnwatched(job)) return false;
        job.Watched = true;
        return true;
    }

    /// <summary>Records a job waiting for this one to end; false when it is already recorded or this one has ended.</summary>
    public static bool AddDependent(JobState job, string dependentId)
    {
        if (job.Status.IsTerminal() || job.Dependents.Contains(dependentId)) return false;
        job.Dependents.Add(dependentId);
        return true;
    }

    /// <summary>A waiting job has registered with all its dependencies; false when there was nothing to clear.</summary>
    public static bool Registered(JobState job)
    {
        if (!job.HandOverPending || job.Status.IsTerminal()) return false;
        job.HandOverPending = false;
        return true;
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

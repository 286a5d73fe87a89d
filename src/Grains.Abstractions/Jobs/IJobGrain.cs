using Orleans.Concurrency;

namespace OrleansJobs.Jobs;

/// <summary>One activation per job id; owns the job's lifecycle. See <see cref="JobIds"/> for the key format.</summary>
public interface IJobGrain : IGrainWithStringKey
{
    /// <summary>Creates the job, or returns the existing one untouched (idempotent replay).</summary>
    Task<SubmitResult> Submit(JobSpec spec);

    /// <summary>The job's current state, with live progress while it runs; null if it does not exist.</summary>
    [AlwaysInterleave, ReadOnly]
    Task<JobState?> Get();

    /// <summary>Cancels a scheduled, queued or running job. Throws <see cref="JobConflictException"/> when terminal.</summary>
    Task<JobState> Cancel();

    /// <summary>Re-runs a Failed or Cancelled job with a fresh attempt budget.</summary>
    Task<JobState> Retry();

    /// <summary>Returns once the job is terminal or the timeout elapses, whichever is first.</summary>
    [AlwaysInterleave]
    Task<JobState?> WaitForCompletion(TimeSpan timeout);

    /// <summary>
    /// Returns the job's current state (null if it does not exist) and makes sure its events are published from now
    /// on: publishing is switched on per job, durably, by its first watcher, so that jobs nobody watches cost nothing.
    /// </summary>
    Task<JobState?> Watch();

    /// <summary>
    /// Registers a job that waits for this one, durably, and returns this job's status (null if it does not exist).
    /// A terminal status is the answer itself: the dependent is then not recorded, and acts on the status at once.
    /// </summary>
    Task<JobStatus?> AddDependent(string dependentId);

    /// <summary>
    /// A job this one depends on ended with <paramref name="status"/>: a waiting job starts once all have succeeded, or
    /// fails or is cancelled (<see cref="JobSpec.OnDependencyFailure"/>) when one did not. Repeats are ignored.
    /// Interleaves: it only waits for this job's own state changes, never for a call that may be waiting on its sender.
    /// </summary>
    [AlwaysInterleave]
    Task DependencyFinished(string dependencyId, JobStatus status);

    /// <summary>
    /// Retention deleted this finished job's row: an activation still holding the job goes, so that the next call reads
    /// the (missing) row and the job is unknown, its idempotency key free again. An activation of a job that is not
    /// finished stays (its row was not the one deleted).
    /// </summary>
    [AlwaysInterleave]
    Task Forget();

    /// <summary>Activates the grain so that a job left behind (orphaned, due, or queued) resumes.</summary>
    [AlwaysInterleave]
    Task Wake();
}

namespace OrleansJobs.Storage;

/// <summary>
/// The job table: the durable home of every <see cref="JobState"/>, and the index that listing and
/// recovery query. Writes from many grains are committed together (group commit), so a write
/// completes only after the commit that holds it.
/// </summary>
public interface IJobStore
{
    Task<StoredJob?> ReadAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Inserts (expectedVersion 0) or updates the job if its stored version is still <paramref name="expectedVersion"/>;
    /// returns the new version. <paramref name="owner"/> is the silo that wrote it (used to find orphans).
    /// Throws <see cref="JobVersionConflictException"/> on a version mismatch.
    /// </summary>
    Task<long> WriteAsync(JobState state, string owner, long expectedVersion, CancellationToken cancellationToken = default);

    Task DeleteAsync(string jobId, CancellationToken cancellationToken = default);

    Task<JobPage> ListAsync(JobQuery query, CancellationToken cancellationToken = default);

    /// <summary>Ids of Queued or Running jobs whose owner is not among <paramref name="liveOwners"/>.</summary>
    Task<IReadOnlyList<string>> FindOrphansAsync(IReadOnlyCollection<string> liveOwners, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Ids of Queued or Running jobs, and of jobs with a hand-over pending (<see cref="JobState.HandOverPending"/>: a
    /// finished job's callback, batch or dependents still to be told, or a waiting job still to register with its
    /// dependencies), not written since <paramref name="updatedBefore"/>, oldest first: usually long handlers, but also a
    /// job whose activation vanished while its silo lives on (a grain deactivated while the cluster's directory was
    /// recovering from a lost silo) or died before handing over. Waking them is cheap for the first and recovers the rest.
    /// </summary>
    Task<IReadOnlyList<string>> FindQuietAsync(DateTimeOffset updatedBefore, int limit, CancellationToken cancellationToken = default);

    /// <summary>Ids of Scheduled jobs due at or before <paramref name="horizon"/>, soonest first.</summary>
    Task<IReadOnlyList<string>> FindDueAsync(DateTimeOffset horizon, int limit, CancellationToken cancellationToken = default);

    /// <summary>How many jobs are Scheduled, Queued or Running, per queue and status (only non-zero counts).</summary>
    Task<IReadOnlyList<JobCount>> CountActiveAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Jobs of <paramref name="queue"/> in <paramref name="status"/> (Queued or Running), highest priority first, then
    /// oldest first.
    /// </summary>
    Task<IReadOnlyList<QueueMember>> FindQueueMembersAsync(string queue, JobStatus status, int limit, CancellationToken cancellationToken = default);

    /// <summary>How many jobs are Scheduled, Queued, Running or Failed, per queue and status (only non-zero counts).</summary>
    Task<IReadOnlyList<JobCount>> CountByQueueAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Jobs over time, for the console's charts: <paramref name="buckets"/> buckets of <paramref name="bucket"/> from
    /// <paramref name="from"/>, each with the jobs created and ended in it and the start delay's 99th percentile over a
    /// sample of at most <paramref name="samplesPerBucket"/> of the jobs that succeeded in it. Limited to the jobs of
    /// <paramref name="owner"/> when it is given ("" matches no job). It reads index ranges over the span alone.
    /// </summary>
    Task<JobTimeline> TimelineAsync(DateTimeOffset from, TimeSpan bucket, int buckets, string? owner, int samplesPerBucket,
        CancellationToken cancellationToken = default);

    /// <summary>Every queue name that some job has, in order.</summary>
    Task<IReadOnlyList<string>> ListQueuesAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes up to <paramref name="limit"/> jobs in <paramref name="status"/> (Succeeded, Failed or Cancelled) last
    /// written before <paramref name="endedBefore"/>, oldest first, and returns their ids. A finished job's last write is
    /// its end, or a little later when its hand-over is recorded; a job whose hand-over is still pending is kept. The row
    /// is all there is of a job in this table (its idempotency key is its id, its dependencies are in its state), so once
    /// it is gone the job is unknown and its key free again; its callback delivery and batch record, kept in grain
    /// storage, are cleared by the caller (<see cref="DeletedJobs"/>). Retention calls this in small batches.
    /// </summary>
    Task<IReadOnlyList<DeletedJob>> DeleteFinishedAsync(JobStatus status, DateTimeOffset endedBefore, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes those of <paramref name="jobIds"/> that are <c>Failed</c> (and whose completion hand-over is done), for an
    /// operator clearing the dead-letter view; returns the ids deleted. Others (unknown, retried meanwhile, another
    /// status) are left as they are. Like retention's deletes, the job is then unknown and its idempotency key free.
    /// </summary>
    Task<IReadOnlyList<DeletedJob>> DeleteFailedAsync(IReadOnlyCollection<string> jobIds, CancellationToken cancellationToken = default);

    /// <summary>Throws if the storage cannot be reached.</summary>
    Task CheckHealthAsync(CancellationToken cancellationToken = default);
}

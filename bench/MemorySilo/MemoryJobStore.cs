using Orleans.Serialization;
using OrleansJobs.Storage;

namespace OrleansJobs.Bench.MemorySilo;

/// <summary>
/// The job table in this process's memory, for the benchmark only (a restart loses every job): the peer of the SQLite
/// and PostgreSQL stores against which the durable ones' cost is measured. It keeps their contract where the job path
/// and the silo's background services rely on it: versions checked on every write (<see cref="JobVersionConflictException"/>),
/// listing with every filter in their order and with their cursor, the sweeper's, queues' and retention's queries, the
/// counts and the timeline. One lock over a dictionary: a write is a lookup and an assignment, answered at once (no
/// batch, no commit). Listings walk an index newest first (all jobs, or a queue's: the benchmark lists by queue and
/// stops at a page); the rarer queries scan every job.
/// <para>
/// States are copied with Orleans' deep copier on the way in (the job grain goes on changing the object it wrote) and on
/// the way out (the grain changes the object it read), where the durable stores write and read JSON. Nothing is
/// serialized, which is the point: what remains of a job's cost is the silo's own.
/// </para>
/// </summary>
public sealed class MemoryJobStore(DeepCopier<JobState> copier) : IJobStore, IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, MemoryJob> _jobs = new(StringComparer.Ordinal);
    private readonly SortedSet<MemoryJob> _newestFirst = new(NewestFirst.Instance);
    private readonly Dictionary<string, SortedSet<MemoryJob>> _queues = new(StringComparer.Ordinal);
    private bool _disposed;

    public Task<long> WriteAsync(JobState state, string owner, long expectedVersion, CancellationToken cancellationToken = default) =>
        Answer(cancellationToken, () =>
        {
            ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);
            var spec = state.Spec ?? throw new ArgumentException($"Job '{state.Id}' has no spec: only submitted jobs are stored.", nameof(state));
            // Copied outside the lock, which then only guards a lookup and a few assignments; the caller keeps its own object.
            var copy = copier.Copy(state);
            return Locked(() =>
            {
                _jobs.TryGetValue(copy.Id, out var job);
                // An insert finds no job, an update the version it read: like the tables' insert and conditional update.
                if (expectedVersion == 0 ? job is not null : job is null || job.Version != expectedVersion)
                    throw new JobVersionConflictException(copy.Id, expectedVersion, job?.Version);
                if (job is null) Add(job = MemoryJob.Insert(copy, spec));
                return job.Write(copy, owner);
            });
        });

    public Task DeleteAsync(string jobId, CancellationToken cancellationToken = default) =>
        AnswerLocked(cancellationToken, () => _jobs.TryGetValue(jobId, out var job) && Remove(job));

    public Task<StoredJob?> ReadAsync(string jobId, CancellationToken cancellationToken = default) =>
        Answer(cancellationToken, () =>
        {
            var job = Locked(() => _jobs.TryGetValue(jobId, out var found) ? (found.State, found.Version) : default);
            return job.State is null ? null : new StoredJob(copier.Copy(job.State), job.Version);
        });

    public Task<JobPage> ListAsync(JobQuery query, CancellationToken cancellationToken = default) =>
        Answer(cancellationToken, () =>
        {
            var size = JobSql.PageSize(query);
            // One row more than the page tells whether another page follows, as the durable stores' statement does.
            var rows = Locked(() => Walk(query).Where(job => job.Matches(query)).Take(size + 1).Select(job => (job.State, job.CreatedAtMs, job.Id)).ToList());
            var items = rows.Take(size).Select(row => copier.Copy(row.State)).ToList();
            return new JobPage(items, rows.Count > size ? new JobCursor(rows[size - 1].CreatedAtMs, rows[size - 1].Id).Encode() : null);
        });

    public Task<IReadOnlyList<string>> FindOrphansAsync(IReadOnlyCollection<string> liveOwners, int limit, CancellationToken cancellationToken = default)
    {
        var live = liveOwners.ToHashSet(StringComparer.Ordinal);
        return Ids(cancellationToken, limit, jobs => jobs.Where(job => job.IsActive && !live.Contains(job.Owner)));
    }

    public Task<IReadOnlyList<string>> FindQuietAsync(DateTimeOffset updatedBefore, int limit, CancellationToken cancellationToken = default)
    {
        var before = updatedBefore.ToUnixTimeMilliseconds();
        return Ids(cancellationToken, limit, jobs => jobs.Where(job => (job.IsActive || job.HandOverPending) && job.UpdatedAtMs < before).OrderBy(job => job.UpdatedAtMs));
    }

    public Task<IReadOnlyList<string>> FindDueAsync(DateTimeOffset horizon, int limit, CancellationToken cancellationToken = default)
    {
        var at = horizon.ToUnixTimeMilliseconds();
        return Ids(cancellationToken, limit, jobs => jobs.Where(job => job.Status == JobStatus.Scheduled && job.DueAtMs <= at).OrderBy(job => job.DueAtMs));
    }

    public Task<IReadOnlyList<JobCount>> CountActiveAsync(CancellationToken cancellationToken = default) =>
        Count(cancellationToken, JobStatus.Scheduled, JobStatus.Queued, JobStatus.Running);

    public Task<IReadOnlyList<JobCount>> CountByQueueAsync(CancellationToken cancellationToken = default) =>
        Count(cancellationToken, JobStatus.Scheduled, JobStatus.Queued, JobStatus.Running, JobStatus.Failed);

    public Task<IReadOnlyList<QueueMember>> FindQueueMembersAsync(string queue, JobStatus status, int limit, CancellationToken cancellationToken = default) =>
        AnswerLocked<IReadOnlyList<QueueMember>>(cancellationToken, () =>
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
            // Only Queued and Running jobs are a queue's members (the durable stores' index holds no others).
            if (status is not (JobStatus.Queued or JobStatus.Running) || !_queues.TryGetValue(queue, out var jobs)) return [];
            return [.. jobs.Where(job => job.Status == status).OrderByDescending(job => job.Priority).ThenBy(job => job.CreatedAtMs)
                .ThenBy(job => job.Id, StringComparer.Ordinal).Take(limit).Select(job => job.Member())];
        });

    public Task<JobTimeline> TimelineAsync(DateTimeOffset from, TimeSpan bucket, int buckets, string? owner, int samplesPerBucket,
        CancellationToken cancellationToken = default) =>
        AnswerLocked(cancellationToken, () => MemoryTimeline.Of(_jobs.Values, from, bucket, buckets, owner, samplesPerBucket));

    public Task<IReadOnlyList<string>> ListQueuesAsync(CancellationToken cancellationToken = default) =>
        AnswerLocked<IReadOnlyList<string>>(cancellationToken, () => [.. _queues.Keys.Order(StringComparer.Ordinal)]);

    public Task<IReadOnlyList<DeletedJob>> DeleteFinishedAsync(JobStatus status, DateTimeOffset endedBefore, int limit, CancellationToken cancellationToken = default) =>
        AnswerLocked<IReadOnlyList<DeletedJob>>(cancellationToken, () =>
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
            if (!status.IsTerminal()) throw new ArgumentOutOfRangeException(nameof(status), status, "Only finished jobs can be deleted.");
            var before = endedBefore.ToUnixTimeMilliseconds();
            var gone = _jobs.Values.Where(job => job.Status == status && job.UpdatedAtMs < before && !job.HandOverPending)
                .OrderBy(job => job.UpdatedAtMs).Take(limit).ToList();
            return [.. gone.Where(Remove).Select(job => job.Deleted())];
        });

    public Task<IReadOnlyList<DeletedJob>> DeleteFailedAsync(IReadOnlyCollection<string> jobIds, CancellationToken cancellationToken = default) =>
        AnswerLocked<IReadOnlyList<DeletedJob>>(cancellationToken, () =>
        {
            var gone = jobIds.Distinct(StringComparer.Ordinal).Select(id => _jobs.GetValueOrDefault(id))
                .Where(job => job is { Status: JobStatus.Failed, HandOverPending: false }).Select(job => job!).ToList();
            return [.. gone.Where(Remove).Select(job => job.Deleted())];
        });

    public Task CheckHealthAsync(CancellationToken cancellationToken = default) => AnswerLocked(cancellationToken, () => true);

    /// <summary>From now on every call fails with <see cref="ObjectDisposedException"/>, as a disposed durable store's does.</summary>
    public void Dispose()
    {
        lock (_lock) _disposed = true;
    }

    /// <summary>
    /// The jobs a listing reads, in its order, from just after its cursor: a queue's index when it names a queue, else
    /// every job's. A page then costs the jobs it walks past, not a sort of the table.
    /// </summary>
    private IEnumerable<MemoryJob> Walk(JobQuery query)
    {
        // Decoded first: a cursor no store made is refused even where there is nothing to list.
        var after = query.Cursor is null ? (JobCursor?)null : JobCursor.Decode(query.Cursor);
        var index = query.Queue is null ? _newestFirst : _queues.GetValueOrDefault(query.Queue);
        if (index is null || index.Count == 0) return [];
        if (after is not { } cursor) return index;
        var position = new MemoryJob(cursor.JobId, cursor.CreatedAtMs);
        if (NewestFirst.Instance.Compare(position, index.Max) > 0) return [];
        return index.GetViewBetween(position, index.Max!).SkipWhile(job => NewestFirst.Instance.Compare(job, position) == 0);
    }

    private void Add(MemoryJob job)
    {
        _jobs.Add(job.Id, job);
        _newestFirst.Add(job);
        if (!_queues.TryGetValue(job.Queue, out var queue)) _queues.Add(job.Queue, queue = new SortedSet<MemoryJob>(NewestFirst.Instance));
        queue.Add(job);
    }

    private bool Remove(MemoryJob job)
    {
        if (!_jobs.Remove(job.Id)) return false;
        _newestFirst.Remove(job);
        var queue = _queues[job.Queue];
        queue.Remove(job);
        if (queue.Count == 0) _queues.Remove(job.Queue); // a queue with no jobs left is no longer listed
        return true;
    }

    private Task<IReadOnlyList<string>> Ids(CancellationToken cancellationToken, int limit, Func<IEnumerable<MemoryJob>, IEnumerable<MemoryJob>> select) =>
        AnswerLocked<IReadOnlyList<string>>(cancellationToken, () =>
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
            return [.. select(_jobs.Values).Take(limit).Select(job => job.Id)];
        });

    private Task<IReadOnlyList<JobCount>> Count(CancellationToken cancellationToken, params JobStatus[] statuses) =>
        AnswerLocked<IReadOnlyList<JobCount>>(cancellationToken, () =>
            [.. _jobs.Values.Where(job => statuses.Contains(job.Status)).CountBy(job => (job.Queue, job.Status))
                .Select(count => new JobCount(count.Key.Queue, count.Key.Status, count.Value))]);

    /// <summary>A call's answer as a task: cancelled before it starts, and its errors in the task, as the durable stores' are.</summary>
    private static Task<T> Answer<T>(CancellationToken cancellationToken, Func<T> answer)
    {
        if (cancellationToken.IsCancellationRequested) return Task.FromCanceled<T>(cancellationToken);
        try
        {
            return Task.FromResult(answer());
        }
        catch (Exception exception)
        {
            return Task.FromException<T>(exception);
        }
    }

    /// <summary>Runs <paramref name="read"/> under the lock, unless the store is disposed.</summary>
    private T Locked<T>(Func<T> read)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return read();
        }
    }

    /// <summary>A call answered under the lock alone, as most are.</summary>
    private Task<T> AnswerLocked<T>(CancellationToken cancellationToken, Func<T> underLock) => Answer(cancellationToken, () => Locked(underLock));
}

using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net.Sockets;
using System.Text.Json;
using System.Threading.Channels;
using Npgsql;
using OrleansJobs.Telemetry;

namespace OrleansJobs.Storage;

/// <summary>
/// The job table in PostgreSQL, for the clustered mode. Writes from every grain of the silo queue on a channel; its
/// write loop (one by default, see <see cref="PostgresJobStoreOptions.WriterCount"/>) takes whatever has queued (up to
/// <see cref="PostgresJobStoreOptions.MaxBatchSize"/>) and sends it as one batch (<see cref="PostgresWriteBatch"/>: an
/// <c>unnest</c> update with a version check per row, a delete, an <c>unnest</c> insert), which PostgreSQL runs as one implicit transaction: one
/// round trip and one commit for many jobs (group commit). Each caller's task completes after that commit. Activation
/// reads are batched the same way. The schema must exist first (<see cref="PostgresSchema.ApplyAsync"/>).
/// </summary>
public sealed class PostgresJobStore : IJobStore, IAsyncDisposable
{
    private static readonly JobSql Sql = new(SqlDialect.PostgreSql);

    private readonly NpgsqlDataSource _dataSource;
    private readonly int _maxBatchSize;
    // One channel per writer loop; a job always goes to the same one, so two writes of one job can never race
    // each other in two transactions (and commit out of order, or lock each other's rows).
    private readonly Channel<PendingWrite>[] _writes;
    private readonly Channel<PendingRead> _reads = Channel.CreateUnbounded<PendingRead>();
    private readonly Task[] _loops;
    private readonly JobStoreMetrics? _metrics;
    private long _commitCount;

    /// <param name="options">The database and how writes are batched.</param>
    /// <param name="meters">Where the write and commit times go (<see cref="JobStoreMetrics"/>); none when null.</param>
    public PostgresJobStore(PostgresJobStoreOptions options, IMeterFactory? meters = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxBatchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.WriterCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.ReaderCount);
        _dataSource = NpgsqlDataSource.Create(PostgresJobStoreOptions.Tune(options.ConnectionString));
        _maxBatchSize = options.MaxBatchSize;
        _metrics = meters is null ? null : new JobStoreMetrics(meters, "postgresql");
        _writes = [.. Enumerable.Range(0, options.WriterCount).Select(_ => Channel.CreateUnbounded<PendingWrite>())];
        _loops =
        [
            .. _writes.Select(channel => Task.Run(() => WriteLoopAsync(channel.Reader))),
            .. Enumerable.Range(0, options.ReaderCount).Select(_ => Task.Run(ReadLoopAsync)),
        ];
    }

    /// <summary>Write batches committed so far: with group commit, far fewer than writes.</summary>
    public long CommitCount => Interlocked.Read(ref _commitCount);

    /// <summary>Writes waiting for a writer loop (not counting batches being committed).</summary>
    public int QueuedWrites => _writes.Sum(channel => channel.Reader.Count);

    public Task<long> WriteAsync(JobState state, string owner, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);
        return Enqueue(WritesOf(state.Id), new PendingWrite(state.Id, JobRow.From(state, owner), expectedVersion), w => w.Completion, cancellationToken);
    }

    public Task DeleteAsync(string jobId, CancellationToken cancellationToken = default) =>
        Enqueue(WritesOf(jobId), new PendingWrite(jobId, Row: null, ExpectedVersion: 0), w => w.Completion, cancellationToken);

    private Channel<PendingWrite> WritesOf(string jobId) =>
        _writes[(int)((uint)StringComparer.Ordinal.GetHashCode(jobId) % (uint)_writes.Length)];

    public Task<StoredJob?> ReadAsync(string jobId, CancellationToken cancellationToken = default) =>
        Enqueue(_reads, new PendingRead(jobId), r => r.Completion, cancellationToken);

    public Task<JobPage> ListAsync(JobQuery query, CancellationToken cancellationToken = default) =>
        Guard(async () => JobSql.Page(query, await ReadRowsAsync(Sql.List(query), cancellationToken)));

    public Task<IReadOnlyList<string>> FindOrphansAsync(IReadOnlyCollection<string> liveOwners, int limit, CancellationToken cancellationToken = default) =>
        Rows(Sql.FindOrphans(liveOwners, limit), cancellationToken);

    public Task<IReadOnlyList<string>> FindQuietAsync(DateTimeOffset updatedBefore, int limit, CancellationToken cancellationToken = default) =>
        Rows(Sql.FindQuiet(updatedBefore, limit), cancellationToken);

    public Task<IReadOnlyList<string>> FindDueAsync(DateTimeOffset horizon, int limit, CancellationToken cancellationToken = default) =>
        Rows(Sql.FindDue(horizon, limit), cancellationToken);

    public Task<IReadOnlyList<DeletedJob>> DeleteFinishedAsync(JobStatus status, DateTimeOffset endedBefore, int limit, CancellationToken cancellationToken = default) =>
        Rows(Sql.DeleteFinished(status, endedBefore, limit), cancellationToken);

    public Task<IReadOnlyList<DeletedJob>> DeleteFailedAsync(IReadOnlyCollection<string> jobIds, CancellationToken cancellationToken = default) =>
        jobIds.Count == 0 ? Task.FromResult<IReadOnlyList<DeletedJob>>([]) : Rows(Sql.DeleteFailed(jobIds), cancellationToken);

    public Task<IReadOnlyList<JobCount>> CountActiveAsync(CancellationToken cancellationToken = default) => Rows(JobSql.CountActive, cancellationToken);

    public Task<IReadOnlyList<QueueMember>> FindQueueMembersAsync(string queue, JobStatus status, int limit, CancellationToken cancellationToken = default) =>
        Rows(Sql.FindQueueMembers(queue, status, limit), cancellationToken);

    public Task<IReadOnlyList<JobCount>> CountByQueueAsync(CancellationToken cancellationToken = default) => Rows(JobSql.CountByQueue, cancellationToken);

    public async Task<JobTimeline> TimelineAsync(DateTimeOffset from, TimeSpan bucket, int buckets, string? owner, int samplesPerBucket,
        CancellationToken cancellationToken = default)
    {
        var counts = await Rows(Sql.TimelineCounts(from, bucket, buckets, owner), cancellationToken);
        var sample = await Rows(Sql.TimelineSample(from, bucket, buckets, owner, samplesPerBucket), cancellationToken);
        return JobTimeline.Build(from, bucket, buckets, counts, JobSql.StartDelays(sample));
    }

    public Task<IReadOnlyList<string>> ListQueuesAsync(CancellationToken cancellationToken = default) => Rows(JobSql.Queues, cancellationToken);

    public Task CheckHealthAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_reads.Reader.Completion.IsCompleted, this);
        return Guard(async () =>
        {
            await using var command = _dataSource.CreateCommand(JobSql.Touch);
            return await command.ExecuteScalarAsync(cancellationToken);
        });
    }

    /// <summary>Stops taking reads and writes, finishes those already queued, and closes the connections.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var channel in _writes) channel.Writer.TryComplete();
        _reads.Writer.TryComplete();
        await Task.WhenAll(_loops).ConfigureAwait(false);
        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }

    private static Task<T> Enqueue<TItem, T>(Channel<TItem> channel, TItem item, Func<TItem, TaskCompletionSource<T>> completion, CancellationToken cancellationToken)
    {
        // Cancellation counts only until the item is queued: after that it completes as part of a batch,
        // and a caller who stopped waiting could not tell whether its write committed.
        if (cancellationToken.IsCancellationRequested) return Task.FromCanceled<T>(cancellationToken);
        return channel.Writer.TryWrite(item)
            ? completion(item).Task
            : Task.FromException<T>(new ObjectDisposedException(nameof(PostgresJobStore)));
    }

    private async Task WriteLoopAsync(ChannelReader<PendingWrite> reader)
    {
        var batch = new List<PendingWrite>(_maxBatchSize);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var carried = new Queue<PendingWrite>();
        while (carried.Count > 0 || await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            // A job appears at most once per batch (one statement cannot update a row twice). A grain waits for each
            // write before its next, so a repeat is rare; it goes into the next batch, in order.
            // (An update queued behind the insert it depends on still sees its expected version: batches run in order.)
            var repeats = carried.Count;
            for (var i = 0; i < repeats && batch.Count < _maxBatchSize; i++)
            {
                var write = carried.Dequeue();
                if (ids.Add(write.JobId)) batch.Add(write);
                else carried.Enqueue(write);
            }

            while (batch.Count < _maxBatchSize && reader.TryRead(out var write))
            {
                if (ids.Add(write.JobId)) batch.Add(write);
                else carried.Enqueue(write);
            }

            await CommitAndCompleteAsync(batch).ConfigureAwait(false);
            batch.Clear();
            ids.Clear();
        }
    }

    private async Task CommitAndCompleteAsync(List<PendingWrite> batch)
    {
        if (batch.Count == 0) return;
        var applied = new HashSet<string>(StringComparer.Ordinal);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync().ConfigureAwait(false);
            await using var statements = new NpgsqlBatch(connection);
            var setting = PostgresWriteBatch.Fill(statements, batch);
            // No explicit transaction: PostgreSQL runs a batch sent as one message in one implicit transaction,
            // so it all commits (once) or none of it does.
            await using (var reader = await statements.ExecuteReaderAsync().ConfigureAwait(false))
            {
                var result = 0;
                do
                {
                    // Every statement's rows are the ids it wrote, but the setting's.
                    if (result++ == setting) continue;
                    while (await reader.ReadAsync().ConfigureAwait(false)) applied.Add(reader.GetString(0));
                } while (await reader.NextResultAsync().ConfigureAwait(false));
            }

            Interlocked.Increment(ref _commitCount);
        }
        catch (Exception exception)
        {
            _metrics?.Committed(started, batch.Count);
            var error = Translate(exception);
            Answer(batch);
            foreach (var write in batch) write.Completion.TrySetException(error);
            return;
        }

        _metrics?.Committed(started, batch.Count);
        var conflicts = batch.Where(w => w.Row is not null && !applied.Contains(w.JobId)).ToList();
        var versions = conflicts.Count == 0 ? [] : await CurrentVersionsAsync(conflicts.Select(w => w.JobId).ToArray()).ConfigureAwait(false);
        Answer(batch);
        foreach (var write in batch)
        {
            if (write.Row is null || applied.Contains(write.JobId))
                write.Completion.TrySetResult(write.ExpectedVersion + 1);
            else
                write.Completion.TrySetException(new JobVersionConflictException(write.JobId, write.ExpectedVersion, versions.GetValueOrDefault(write.JobId)));
        }
    }

    /// <summary>Records how long each write of the batch waited, queue and commit together, as it is answered.</summary>
    private void Answer(List<PendingWrite> batch)
    {
        if (_metrics is null) return;
        var now = Stopwatch.GetTimestamp();
        foreach (var write in batch) _metrics.Answered(write.QueuedAt, now);
    }

    /// <summary>For conflict messages only; a failure here must not turn a conflict into something else.</summary>
    private async Task<Dictionary<string, long?>> CurrentVersionsAsync(string[] ids)
    {
        var versions = new Dictionary<string, long?>(StringComparer.Ordinal);
        try
        {
            await using var command = _dataSource.CreateCommand("SELECT id, version FROM jobs WHERE id = ANY ($1)");
            command.Parameters.Add(new NpgsqlParameter { Value = ids });
            await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
            while (await reader.ReadAsync().ConfigureAwait(false)) versions[reader.GetString(0)] = reader.GetInt64(1);
        }
        catch (NpgsqlException)
        {
        }

        return versions;
    }

    private async Task ReadLoopAsync()
    {
        var reader = _reads.Reader;
        var batch = new List<PendingRead>(_maxBatchSize);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < _maxBatchSize && reader.TryRead(out var read)) batch.Add(read);
            try
            {
                var found = new Dictionary<string, StoredJob>(StringComparer.Ordinal);
                await using (var command = _dataSource.CreateCommand("SELECT id, state, version FROM jobs WHERE id = ANY ($1)"))
                {
                    command.Parameters.Add(new NpgsqlParameter { Value = batch.Select(r => r.JobId).Distinct().ToArray() });
                    await using var rows = await command.ExecuteReaderAsync().ConfigureAwait(false);
                    while (await rows.ReadAsync().ConfigureAwait(false))
                        found[rows.GetString(0)] = new StoredJob(JobJson.ReadState(rows.GetString(1)), rows.GetInt64(2));
                }

                // Each caller gets its own state object: two activations must never share one.
                foreach (var read in batch)
                    read.Completion.TrySetResult(found.TryGetValue(read.JobId, out var job) ? job with { State = Copy(job.State, read, batch) } : null);
            }
            catch (Exception exception)
            {
                var error = Translate(exception);
                foreach (var read in batch) read.Completion.TrySetException(error);
            }

            batch.Clear();
        }
    }

    private static JobState Copy(JobState state, PendingRead read, List<PendingRead> batch) =>
        batch.Count(r => r.JobId == read.JobId) == 1 ? state : JobJson.ReadState(JsonSerializer.Serialize(state, JobJson.Default.JobState));

    private async Task<T> Guard<T>(Func<Task<T>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not (InvalidCursorException or OperationCanceledException))
        {
            throw Translate(exception);
        }
    }

    private Task<IReadOnlyList<T>> Rows<T>(SqlQuery<T> query, CancellationToken cancellationToken) =>
        Guard(() => ReadRowsAsync(query, cancellationToken));

    private async Task<IReadOnlyList<T>> ReadRowsAsync<T>(SqlQuery<T> query, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(query.Text);
        foreach (var (_, value) in query.Arguments) command.Parameters.Add(new NpgsqlParameter { Value = value });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken)) rows.Add(query.Row(reader));
        return rows;
    }

    /// <summary>
    /// An unreachable or restarting database becomes <see cref="JobServiceUnavailableException"/> (503 over HTTP: try
    /// again later); anything else (a missing table, a bug) stays what it is.
    /// </summary>
    public static Exception Translate(Exception exception) => exception switch
    {
        JobServiceUnavailableException => exception,
        PostgresException { SqlState: var state } when state.StartsWith("08", StringComparison.Ordinal) // connection exception
                                                      || state.StartsWith("57", StringComparison.Ordinal) // shutdown, cannot connect now
                                                      || state.StartsWith("53", StringComparison.Ordinal) // insufficient resources
            => Unavailable(exception),
        PostgresException => exception,
        NpgsqlException or SocketException or TimeoutException or IOException => Unavailable(exception),
        _ => exception,
    };

    private static JobServiceUnavailableException Unavailable(Exception exception) =>
        // The message only: the driver's exception types need not cross silos (Orleans serializes exceptions).
        new($"The job database is unreachable: {exception.GetBaseException().Message}");

    private sealed record PendingRead(string JobId)
    {
        public TaskCompletionSource<StoredJob?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

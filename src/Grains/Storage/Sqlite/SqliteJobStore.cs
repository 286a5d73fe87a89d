using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using OrleansJobs.Telemetry;

namespace OrleansJobs.Storage;

/// <summary>
/// The job table in one SQLite file, for the embedded (single-silo) mode.
/// SQLite has one write lock and Microsoft.Data.Sqlite's async methods run synchronously, so every write goes to a
/// single writer thread that commits whatever has queued up (up to <see cref="SqliteJobStoreOptions.MaxBatchSize"/>)
/// in one transaction: one fsync covers many jobs (group commit). Reads run on pooled connections on the thread pool,
/// so no grain turn ever waits on the file. The schema must exist first (<see cref="SqliteSchema.ApplyAsync"/>).
/// </summary>
public sealed class SqliteJobStore : IJobStore, IAsyncDisposable
{
    private static readonly JobSql Sql = new(SqlDialect.Sqlite);

    private readonly string _connectionString;
    private readonly int _maxBatchSize;
    private readonly SqliteJobWriter _writer;
    // Not marked single-reader: that variant cannot count its items, and QueuedWrites reports them.
    private readonly Channel<PendingWrite> _writes = Channel.CreateUnbounded<PendingWrite>();
    private readonly TaskCompletionSource _writerStopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly JobStoreMetrics? _metrics;
    private long _commitCount;

    /// <param name="options">The database and how writes are batched.</param>
    /// <param name="meters">Where the write and commit times go (<see cref="JobStoreMetrics"/>); none when null.</param>
    public SqliteJobStore(SqliteJobStoreOptions options, IMeterFactory? meters = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxBatchSize);
        _connectionString = options.ConnectionString;
        _maxBatchSize = options.MaxBatchSize;
        _metrics = meters is null ? null : new JobStoreMetrics(meters, "sqlite");
        _writer = new SqliteJobWriter(_connectionString);
        new Thread(RunWriter) { IsBackground = true, Name = "SQLite job writer" }.Start();
    }

    /// <summary>Transactions committed so far: with group commit, far fewer than writes.</summary>
    public long CommitCount => Interlocked.Read(ref _commitCount);

    /// <summary>Writes waiting for the writer thread (not counting the batch being committed).</summary>
    public int QueuedWrites => _writes.Reader.Count;

    public Task<long> WriteAsync(JobState state, string owner, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);
        return Enqueue(new PendingWrite(state.Id, JobRow.From(state, owner), expectedVersion), cancellationToken);
    }

    public Task DeleteAsync(string jobId, CancellationToken cancellationToken = default) =>
        Enqueue(new PendingWrite(jobId, Row: null, ExpectedVersion: 0), cancellationToken);

    public Task<StoredJob?> ReadAsync(string jobId, CancellationToken cancellationToken = default) =>
        Read(connection =>
        {
            using var command = Command(connection, "SELECT state, version FROM jobs WHERE id = @id", ("@id", jobId));
            using var reader = command.ExecuteReader();
            return reader.Read() ? new StoredJob(JobJson.ReadState(reader.GetString(0)), reader.GetInt64(1)) : null;
        }, cancellationToken);

    public Task<JobPage> ListAsync(JobQuery query, CancellationToken cancellationToken = default) =>
        Read(connection => JobSql.Page(query, ReadRows(connection, Sql.List(query))), cancellationToken);

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
        ObjectDisposedException.ThrowIf(_writerStopped.Task.IsCompleted, this);
        return Read(connection =>
        {
            using var command = Command(connection, JobSql.Touch);
            return command.ExecuteScalar();
        }, cancellationToken);
    }

    /// <summary>Stops taking writes, commits those already queued, and closes the database.</summary>
    public async ValueTask DisposeAsync()
    {
        _writes.Writer.TryComplete();
        await _writerStopped.Task.ConfigureAwait(false);
        SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
    }

    private Task<long> Enqueue(PendingWrite write, CancellationToken cancellationToken)
    {
        // Cancellation counts only until the write is queued: after that it commits or fails as part of a batch,
        // and a caller who stopped waiting could not tell which.
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<long>(cancellationToken);
        }

        return _writes.Writer.TryWrite(write)
            ? write.Completion.Task
            : Task.FromException<long>(new ObjectDisposedException(nameof(SqliteJobStore)));
    }

    private void RunWriter()
    {
        var reader = _writes.Reader;
        var batch = new List<PendingWrite>(_maxBatchSize);
        // Blocking is the point of this thread: it exists so that no pool or grain thread waits on SQLite.
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (batch.Count < _maxBatchSize && reader.TryRead(out var write))
            {
                batch.Add(write);
            }

            CommitAndComplete(batch);
            batch.Clear();
        }

        _writer.Dispose();
        _writerStopped.SetResult();
    }

    private void CommitAndComplete(List<PendingWrite> batch)
    {
        JobVersionConflictException?[] conflicts;
        var started = Stopwatch.GetTimestamp();
        try
        {
            conflicts = CommitRetryingTransient(batch);
        }
        catch (Exception exception)
        {
            Answered(started, batch);
            foreach (var write in batch)
            {
                write.Completion.SetException(exception);
            }

            return;
        }

        Interlocked.Increment(ref _commitCount);
        Answered(started, batch);
        for (var i = 0; i < batch.Count; i++)
        {
            if (conflicts[i] is { } conflict)
            {
                batch[i].Completion.SetException(conflict);
            }
            else
            {
                batch[i].Completion.SetResult(batch[i].ExpectedVersion + 1);
            }
        }
    }

    /// <summary>
    /// Commits the batch, again and again while SQLite answers busy or locked (another process or Orleans' own
    /// providers holding the write lock past busy_timeout): a failed transaction wrote nothing, so committing it again
    /// is safe, whereas failing it would fail the grains' writes, and a job whose Running write failed would be run
    /// again by its recovery. Only after <see cref="MaxTransientRetries"/> (minutes of waiting) does the batch fail.
    /// </summary>
    private JobVersionConflictException?[] CommitRetryingTransient(List<PendingWrite> batch)
    {
        for (var retry = 0; ; retry++)
        {
            try
            {
                return _writer.Commit(batch);
            }
            catch (SqliteException busy) when (IsTransient(busy) && retry < MaxTransientRetries)
            {
                // The writer thread blocks on purpose (see RunWriter); later writes queue up behind this batch.
                Thread.Sleep(TimeSpan.FromMilliseconds(Math.Min(100 << Math.Min(retry, 5), 2_000)));
            }
        }
    }

    private const int MaxTransientRetries = 20;

    /// <summary>SQLITE_BUSY (5) and SQLITE_LOCKED (6): the database was in use, nothing is wrong with the write.</summary>
    internal static bool IsTransient(SqliteException exception) => exception.SqliteErrorCode is 5 or 6;

    private void Answered(long started, List<PendingWrite> batch)
    {
        if (_metrics is null) return;
        _metrics.Committed(started, batch.Count);
        var now = Stopwatch.GetTimestamp();
        foreach (var write in batch) _metrics.Answered(write.QueuedAt, now);
    }

    /// <summary>
    /// Runs a read on a thread-pool thread: Microsoft.Data.Sqlite would otherwise do the file I/O inside the
    /// caller's (grain's) turn. Reads are short indexed lookups, so the pool serves them well and runs them in parallel.
    /// </summary>
    private Task<T> Read<T>(Func<SqliteConnection, T> read, CancellationToken cancellationToken) =>
        Task.Run(() =>
        {
            using var connection = SqliteConnections.OpenForReading(_connectionString);
            return read(connection);
        }, cancellationToken);

    private Task<IReadOnlyList<T>> Rows<T>(SqlQuery<T> query, CancellationToken cancellationToken) =>
        Read(connection => ReadRows(connection, query), cancellationToken);

    private static IReadOnlyList<T> ReadRows<T>(SqliteConnection connection, SqlQuery<T> query)
    {
        using var command = Command(connection, query.Text, query.Arguments);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(query.Row(reader));
        }

        return rows;
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, params IEnumerable<(string Name, object Value)> parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }
}

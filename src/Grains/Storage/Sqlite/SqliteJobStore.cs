using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
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
    private const int MaxListLimit = 500;

    private readonly string _connectionString;
    private readonly int _maxBatchSize;
    private readonly SqliteJobWriter _writer;
    // Not marked single-reader: that variant cannot count its items, and QueuedWrites reports them.
    private readonly Channel<PendingWrite> _writes = Channel.CreateUnbounded<PendingWrite>();
    private readonly TaskCompletionSource _writerStopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly JobStoreMetrics? _metrics;
    private long _commitCount;

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
            return reader.Read() ? new StoredJob(Deserialize(reader.GetString(0)), reader.GetInt64(1)) : null;
        }, cancellationToken);

    public Task<JobPage> ListAsync(JobQuery query, CancellationToken cancellationToken = default) =>
        Read(connection =>
        {
            var limit = Math.Clamp(query.Limit, 1, MaxListLimit);
            var conditions = new List<string>();
            // One row more than the page tells whether another page follows.
            var parameters = new List<(string, object)> { ("@take", limit + 1) };
            if (query.Status is { } status)
            {
                conditions.Add("status = @status");
                parameters.Add(("@status", status.ToString()));
            }

            if (query.Queue is { } queue)
            {
                conditions.Add("queue = @queue");
                parameters.Add(("@queue", queue));
            }

            if (query.Type is { } type)
            {
                conditions.Add("type = @type");
                parameters.Add(("@type", type));
            }

            if (query.Cursor is { } encoded)
            {
                var after = JobCursor.Decode(encoded);
                conditions.Add("(created_at, id) < (@after_created_at, @after_id)");
                parameters.Add(("@after_created_at", after.CreatedAtMs));
                parameters.Add(("@after_id", after.JobId));
            }

            var where = conditions.Count == 0 ? "" : "WHERE " + string.Join(" AND ", conditions);
            using var command = Command(connection,
                $"SELECT state, created_at, id FROM jobs {where} ORDER BY created_at DESC, id DESC LIMIT @take", [.. parameters]);

            var items = new List<JobState>(limit);
            var last = default(JobCursor);
            using var reader = command.ExecuteReader();
            while (items.Count < limit && reader.Read())
            {
                items.Add(Deserialize(reader.GetString(0)));
                last = new JobCursor(reader.GetInt64(1), reader.GetString(2));
            }

            return new JobPage(items, reader.Read() ? last.Encode() : null);
        }, cancellationToken);

    public Task<IReadOnlyList<string>> FindOrphansAsync(IReadOnlyCollection<string> liveOwners, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var owners = JsonSerializer.Serialize(liveOwners.ToArray(), JobJson.Default.StringArray);
        // The status terms repeat the partial index's WHERE clause word for word, so SQLite can use it.
        return ReadIds("""
            SELECT id FROM jobs
            WHERE status IN ('Queued', 'Running') AND owner NOT IN (SELECT value FROM json_each(@owners))
            LIMIT @limit
            """, cancellationToken, ("@owners", owners), ("@limit", limit));
    }

    public Task<IReadOnlyList<string>> FindQuietAsync(DateTimeOffset updatedBefore, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        // Two index scans (one per partial index), not one OR that would read the whole table.
        return ReadIds("""
            SELECT id FROM (
                SELECT id, updated_at FROM jobs WHERE status IN ('Queued', 'Running') AND updated_at < @before
                UNION ALL
                SELECT id, updated_at FROM jobs WHERE callback_pending = 1 AND updated_at < @before)
            ORDER BY updated_at
            LIMIT @limit
            """, cancellationToken, ("@before", updatedBefore.ToUnixTimeMilliseconds()), ("@limit", limit));
    }

    public Task<IReadOnlyList<string>> FindDueAsync(DateTimeOffset horizon, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return ReadIds("""
            SELECT id FROM jobs
            WHERE status = 'Scheduled' AND due_at <= @horizon
            ORDER BY due_at
            LIMIT @limit
            """, cancellationToken, ("@horizon", horizon.ToUnixTimeMilliseconds()), ("@limit", limit));
    }

    public Task<IReadOnlyList<JobCount>> CountActiveAsync(CancellationToken cancellationToken = default) => Count(JobCountSql.Query, cancellationToken);

    private Task<IReadOnlyList<JobCount>> Count(string sql, CancellationToken cancellationToken) =>
        Read<IReadOnlyList<JobCount>>(connection =>
        {
            using var command = Command(connection, sql);
            using var reader = command.ExecuteReader();
            var counts = new List<JobCount>();
            while (reader.Read()) counts.Add(JobCountSql.Row(reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
            return counts;
        }, cancellationToken);

    public Task<IReadOnlyList<QueueMember>> FindQueueMembersAsync(string queue, JobStatus status, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        // The status terms repeat the partial index's WHERE clause so that SQLite uses it.
        return Read<IReadOnlyList<QueueMember>>(connection =>
        {
            using var command = Command(connection, """
                SELECT id, status, priority, json_extract(state, '$.spec.concurrencyKey'), created_at, owner FROM jobs
                WHERE status IN ('Queued', 'Running') AND queue = @queue AND status = @status
                ORDER BY priority DESC, created_at, id
                LIMIT @limit
                """, ("@queue", queue), ("@status", status.ToString()), ("@limit", limit));
            using var reader = command.ExecuteReader();
            var members = new List<QueueMember>();
            while (reader.Read())
            {
                members.Add(new QueueMember(reader.GetString(0), Enum.Parse<JobStatus>(reader.GetString(1)), reader.GetInt32(2),
                    reader.IsDBNull(3) ? null : reader.GetString(3), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)), reader.GetString(5)));
            }

            return members;
        }, cancellationToken);
    }

    public Task<IReadOnlyList<JobCount>> CountByQueueAsync(CancellationToken cancellationToken = default) => Count(JobCountSql.PerQueue, cancellationToken);

    public Task<IReadOnlyList<string>> ListQueuesAsync(CancellationToken cancellationToken = default) => ReadIds(JobCountSql.Queues, cancellationToken);

    public Task CheckHealthAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_writerStopped.Task.IsCompleted, this);
        return Read(connection =>
        {
            // Touches the table, so a missing schema or an unreadable file shows up here.
            using var command = Command(connection, "SELECT 1 FROM jobs LIMIT 1");
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
            conflicts = _writer.Commit(batch);
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

    private Task<IReadOnlyList<string>> ReadIds(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters) =>
        Read<IReadOnlyList<string>>(connection =>
        {
            using var command = Command(connection, sql, parameters);
            using var reader = command.ExecuteReader();
            var ids = new List<string>();
            while (reader.Read())
            {
                ids.Add(reader.GetString(0));
            }

            return ids;
        }, cancellationToken);

    private static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }

    private static JobState Deserialize(string json) =>
        JsonSerializer.Deserialize(json, JobJson.Default.JobState) ?? throw new InvalidDataException("A job row holds no state.");
}

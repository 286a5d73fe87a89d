using Microsoft.Data.Sqlite;

namespace OrleansJobs.Storage;

/// <summary>
/// The writer connection and its statements. Used only from the store's writer thread. The commands are built
/// once: Microsoft.Data.Sqlite keeps a command's compiled statements, so each write only binds and steps.
/// </summary>
internal sealed class SqliteJobWriter : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _insert;
    private readonly SqliteCommand _update;
    private readonly SqliteCommand _delete;
    private readonly SqliteCommand _label;
    private readonly SqliteCommand _readVersion;

    public SqliteJobWriter(string connectionString)
    {
        _connection = SqliteConnections.OpenForWriting(connectionString);
        _insert = Command("""
            INSERT INTO jobs (id, version, status, type, queue, priority, created_at, updated_at, due_at, owner, state, callback_pending, submitted_by,
                correlation_id, idempotency_key, batch_id)
            VALUES (@id, 1, @status, @type, @queue, @priority, @created_at, @updated_at, @due_at, @owner, @state, @callback_pending, @submitted_by,
                @correlation_id, @idempotency_key, @batch_id)
            ON CONFLICT (id) DO NOTHING
            """, "@id", "@status", "@type", "@queue", "@priority", "@created_at", "@updated_at", "@due_at", "@owner", "@state", "@callback_pending", "@submitted_by",
            "@correlation_id", "@idempotency_key", "@batch_id");
        // Only mutable columns are set: SQLite then leaves the indexes on type, queue, created_at, the submitter and the search keys alone.
        _update = Command("""
            UPDATE jobs SET version = version + 1, status = @status, updated_at = @updated_at, due_at = @due_at, owner = @owner, state = @state,
                callback_pending = @callback_pending
            WHERE id = @id AND version = @expected
            """, "@id", "@expected", "@status", "@updated_at", "@due_at", "@owner", "@state", "@callback_pending");
        // A job's labels go with it: the trigger of 011-job-labels.sql deletes them with the job.
        _delete = Command("DELETE FROM jobs WHERE id = @id", "@id");
        _label = Command("INSERT INTO job_labels (job_id, label, created_at) VALUES (@job_id, @label, @created_at)", "@job_id", "@label", "@created_at");
        _readVersion = Command("SELECT version FROM jobs WHERE id = @id", "@id");
    }

    /// <summary>
    /// Applies the batch in one transaction and commits once. Returns, per write, its version conflict or null when it
    /// was applied. Throws if the transaction fails, in which case none of the batch was written.
    /// </summary>
    public JobVersionConflictException?[] Commit(IReadOnlyList<PendingWrite> batch)
    {
        var conflicts = new JobVersionConflictException?[batch.Count];
        using var transaction = _connection.BeginTransaction(deferred: false);
        _insert.Transaction = _update.Transaction = _delete.Transaction = _label.Transaction = _readVersion.Transaction = transaction;
        for (var i = 0; i < batch.Count; i++)
        {
            conflicts[i] = Apply(batch[i]);
        }

        transaction.Commit();
        return conflicts;
    }

    private JobVersionConflictException? Apply(PendingWrite write)
    {
        if (write.Row is not { } row)
        {
            Set(_delete, "@id", write.JobId);
            _delete.ExecuteNonQuery();
            return null;
        }

        var command = write.ExpectedVersion == 0 ? _insert : _update;
        Set(command, "@id", row.Id);
        Set(command, "@status", row.Status);
        Set(command, "@updated_at", row.UpdatedAtMs);
        Set(command, "@due_at", row.DueAtMs);
        Set(command, "@owner", row.Owner);
        Set(command, "@state", row.StateJson);
        Set(command, "@callback_pending", row.HandOverPending ? 1 : 0);
        if (command == _insert)
        {
            Set(command, "@type", row.Type);
            Set(command, "@queue", row.Queue);
            Set(command, "@priority", row.Priority);
            Set(command, "@created_at", row.CreatedAtMs);
            Set(command, "@submitted_by", row.SubmittedBy);
            Set(command, "@correlation_id", row.CorrelationId);
            Set(command, "@idempotency_key", row.IdempotencyKey);
            Set(command, "@batch_id", row.BatchId);
        }
        else
        {
            Set(command, "@expected", write.ExpectedVersion);
        }

        if (command.ExecuteNonQuery() != 1)
            return new JobVersionConflictException(write.JobId, write.ExpectedVersion, ReadVersion(write.JobId));
        // Only a job this insert created gets labels: one already stored (the same idempotency key) keeps its own.
        if (command == _insert)
        {
            foreach (var label in row.Labels)
            {
                Set(_label, "@job_id", row.Id);
                Set(_label, "@label", label);
                Set(_label, "@created_at", row.CreatedAtMs);
                _label.ExecuteNonQuery();
            }
        }

        return null;
    }

    private long? ReadVersion(string jobId)
    {
        Set(_readVersion, "@id", jobId);
        return _readVersion.ExecuteScalar() is long version ? version : null;
    }

    public void Dispose()
    {
        _insert.Dispose();
        _update.Dispose();
        _delete.Dispose();
        _label.Dispose();
        _readVersion.Dispose();
        _connection.Dispose();
    }

    private SqliteCommand Command(string sql, params string[] parameterNames)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameterNames)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }

    private static void Set(SqliteCommand command, string name, object? value) => command.Parameters[name].Value = value ?? DBNull.Value;
}

using Npgsql;

namespace OrleansJobs.Storage;

/// <summary>
/// The statements of one write batch of <see cref="PostgresJobStore"/>: an <c>unnest</c> update with a version check
/// per row, a delete, and an <c>unnest</c> insert, each returning the ids it wrote. A job appears at most once in a
/// batch, so the order of the three does not matter to the result; it matters to planning. The store's connections
/// plan every execution for its arguments (<see cref="PostgresJobStoreOptions.CustomPlans"/>), which the update needs:
/// a plan made once from a small table's statistics reads the whole table. The insert's plan cannot depend on the
/// table (it reads only its arguments, and checks conflicts on the primary key), so it goes last, after a setting that
/// lets it keep the plan PostgreSQL made for it once, until the batch commits: planning it anew cost about 0.1 ms a
/// batch.
/// </summary>
internal static class PostgresWriteBatch
{
    // For the rest of this transaction only (the batch's implicit one): PostgreSQL's default choice of plan.
    private const string GenericInsertSql = "SELECT set_config('plan_cache_mode', 'auto', true)";

    // The labels ($16: job ids, $17: labels, one pair per label) are inserted in the same statement, for the jobs this
    // insert created only: a job already stored (the same idempotency key) keeps its own.
    private const string InsertSql = """
        WITH inserted AS (
            INSERT INTO jobs (id, version, status, type, queue, priority, created_at, updated_at, due_at, owner, state, callback_pending, submitted_by,
                correlation_id, idempotency_key, batch_id)
            SELECT id, 1, status, type, queue, priority, created_at, updated_at, due_at, owner, state, callback_pending, submitted_by,
                correlation_id, idempotency_key, batch_id
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::bigint[], $7::bigint[], $8::bigint[], $9::text[], $10::text[], $11::boolean[],
                    $12::text[], $13::text[], $14::text[], $15::text[])
                AS u(id, status, type, queue, priority, created_at, updated_at, due_at, owner, state, callback_pending, submitted_by,
                    correlation_id, idempotency_key, batch_id)
            ON CONFLICT (id) DO NOTHING
            RETURNING id, created_at),
        labelled AS (
            INSERT INTO job_labels (job_id, label, created_at)
            SELECT inserted.id, l.label, inserted.created_at
            FROM unnest($16::text[], $17::text[]) AS l(job_id, label) JOIN inserted ON inserted.id = l.job_id)
        SELECT id FROM inserted
        """;

    // Only the mutable columns are set, so the indexes on type, queue, created_at and the search keys are left alone (and the
    // update can stay on the same page: the table has room for that, see its fillfactor).
    private const string UpdateSql = """
        UPDATE jobs AS j
        SET version = j.version + 1, status = u.status, updated_at = u.updated_at, due_at = u.due_at, owner = u.owner, state = u.state,
            callback_pending = u.callback_pending
        FROM unnest($1::text[], $2::bigint[], $3::text[], $4::bigint[], $5::bigint[], $6::text[], $7::text[], $8::boolean[])
            AS u(id, expected, status, updated_at, due_at, owner, state, callback_pending)
        WHERE j.id = u.id AND j.version = u.expected
        RETURNING j.id
        """;

    private const string DeleteSql = "DELETE FROM jobs WHERE id = ANY ($1)";

    /// <summary>
    /// Adds <paramref name="batch"/>'s statements to <paramref name="statements"/>. Returns the position of the
    /// setting's statement among them, whose one row is not a job id (-1 when the batch inserts nothing).
    /// </summary>
    public static int Fill(NpgsqlBatch statements, List<PendingWrite> batch)
    {
        var inserts = batch.Where(w => w.Row is not null && w.ExpectedVersion == 0).Select(w => w.Row!).ToList();
        var updates = batch.Where(w => w.Row is not null && w.ExpectedVersion > 0).ToList();
        var deletes = batch.Where(w => w.Row is null).Select(w => w.JobId).ToArray();
        if (updates.Count > 0)
        {
            statements.BatchCommands.Add(Statement(UpdateSql,
                Array(updates, w => w.JobId), Array(updates, w => w.ExpectedVersion), Array(updates, w => w.Row!.Status),
                Array(updates, w => w.Row!.UpdatedAtMs), Array(updates, w => w.Row!.DueAtMs), Array(updates, w => w.Row!.Owner),
                Array(updates, w => w.Row!.StateJson), Array(updates, w => w.Row!.HandOverPending)));
        }

        if (deletes.Length > 0)
        {
            statements.BatchCommands.Add(Statement(DeleteSql, (object)deletes));
        }

        if (inserts.Count == 0) return -1;
        var setting = statements.BatchCommands.Count;
        statements.BatchCommands.Add(new NpgsqlBatchCommand(GenericInsertSql));
        statements.BatchCommands.Add(Statement(InsertSql,
            Array(inserts, r => r.Id), Array(inserts, r => r.Status), Array(inserts, r => r.Type), Array(inserts, r => r.Queue),
            Array(inserts, r => r.Priority), Array(inserts, r => r.CreatedAtMs), Array(inserts, r => r.UpdatedAtMs),
            Array(inserts, r => r.DueAtMs), Array(inserts, r => r.Owner), Array(inserts, r => r.StateJson), Array(inserts, r => r.HandOverPending),
            Array(inserts, r => r.SubmittedBy),
            Array(inserts, r => r.CorrelationId), Array(inserts, r => r.IdempotencyKey), Array(inserts, r => r.BatchId),
            inserts.SelectMany(r => r.Labels, (r, _) => r.Id).ToArray(), inserts.SelectMany(r => r.Labels).ToArray()));
        return setting;
    }

    private static NpgsqlBatchCommand Statement(string sql, params object[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in parameters) command.Parameters.Add(new NpgsqlParameter { Value = value });
        return command;
    }

    private static TValue[] Array<TItem, TValue>(List<TItem> items, Func<TItem, TValue> select)
    {
        var values = new TValue[items.Count];
        for (var i = 0; i < values.Length; i++) values[i] = select(items[i]);
        return values;
    }
}

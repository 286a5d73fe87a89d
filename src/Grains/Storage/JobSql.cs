using System.Data.Common;

namespace OrleansJobs.Storage;

/// <summary>
/// The queries of <see cref="IJobStore"/> that both stores run, written once and spelled in a store's
/// <see cref="SqlDialect"/>: listing, the recovery and queue lookups, the counts. The partial indexes they rely on are
/// used only when a query's WHERE clause implies the index predicate, so the status terms here repeat the schema
/// scripts' word for word.
/// </summary>
internal sealed class JobSql(SqlDialect dialect)
{
    private const int MaxListLimit = 500;

    /// <summary>Touches the table, so a missing schema shows up as well as an unreachable database.</summary>
    public const string Touch = "SELECT 1 FROM jobs LIMIT 1";

    /// <summary>
    /// For <see cref="IJobStore.ListAsync"/>, newest first. The listing indexes (jobs_by_status_created,
    /// jobs_by_queue_created, jobs_by_type_created, jobs_by_created) all end in (created_at, id), the page's order and
    /// its cursor's: a page is read from an index in order, not sorted, however deep it lies. A search starts instead from
    /// the few rows whose id, correlation id, idempotency key or batch id is the term (the primary key and the partial
    /// jobs_by_correlation, jobs_by_idempotency and jobs_by_batch), then filters and sorts those: the CROSS JOIN keeps
    /// SQLite, which has no statistics, from walking a listing index and testing every row against the term. An owner's
    /// listing uses jobs_by_submitter_created, whose predicate (submitted_by IS NOT NULL) its equality term implies. A
    /// label's listing walks job_labels_by_label_created, which holds each labelled job's creation time and id: page
    /// order, time range and cursor are that table's columns there, and each row found is joined to its job by primary
    /// key (the CROSS JOIN again fixes the order for SQLite). With a search as well, the few rows the search found are
    /// checked for the label on job_labels' primary key instead.
    /// </summary>
    public SqlQuery<(string StateJson, JobCursor Position)> List(JobQuery query)
    {
        var values = new Values(dialect);
        var conditions = new List<string>();
        var byLabel = query.Label is not null && query.Search is null;
        var (created, id) = byLabel ? ("job_labels.created_at", "job_labels.job_id") : ("created_at", "id");
        if (query.Status is { } status) conditions.Add($"status = {values.Add("status", status.ToString())}");
        if (query.Queue is { } queue) conditions.Add($"queue = {values.Add("queue", queue)}");
        if (query.Type is { } type) conditions.Add($"type = {values.Add("type", type)}");
        // The time range rides on the same (…, created_at, id) indexes as the page order.
        if (query.CreatedFrom is { } from) conditions.Add($"{created} >= {values.Add("created_from", from.ToUnixTimeMilliseconds())}");
        if (query.CreatedTo is { } to) conditions.Add($"{created} < {values.Add("created_to", to.ToUnixTimeMilliseconds())}");
        var rows = "jobs";
        if (query.Search is { } search)
        {
            var term = values.Add("search", search);
            rows = $"""
                (SELECT id AS match_id FROM jobs WHERE id = {term}
                 UNION SELECT id FROM jobs WHERE correlation_id = {term}
                 UNION SELECT id FROM jobs WHERE idempotency_key = {term}
                 UNION SELECT id FROM jobs WHERE batch_id = {term}) AS matches
                CROSS JOIN jobs
                """;
            conditions.Add("jobs.id = matches.match_id");
            if (query.Label is { } label)
                conditions.Add($"EXISTS (SELECT 1 FROM job_labels WHERE job_labels.job_id = jobs.id AND job_labels.label = {values.Add("label", label)})");
        }
        else if (query.Label is { } label)
        {
            rows = "job_labels CROSS JOIN jobs";
            conditions.Add($"job_labels.label = {values.Add("label", label)}");
            conditions.Add("jobs.id = job_labels.job_id");
        }
        if (query.Owner is { } owner) conditions.Add($"jobs.submitted_by = {values.Add("submitted_by", owner)}");
        if (query.Cursor is { } encoded)
        {
            var after = JobCursor.Decode(encoded);
            conditions.Add($"({created}, {id}) < ({values.Add("after_created_at", after.CreatedAtMs)}, {values.Add("after_id", after.JobId)})");
        }

        var where = conditions.Count == 0 ? "" : "WHERE " + string.Join(" AND ", conditions);
        // One row more than the page tells whether another page follows.
        var take = values.Add("take", PageSize(query) + 1);
        return new($"SELECT state, {created}, {id} FROM {rows} {where} ORDER BY {created} DESC, {id} DESC LIMIT {take}", values,
            row => (row.GetString(0), new JobCursor(row.GetInt64(1), row.GetString(2))));
    }

    /// <summary>The page of <paramref name="query"/> from the rows its <see cref="List"/> statement returned.</summary>
    public static JobPage Page(JobQuery query, IReadOnlyList<(string StateJson, JobCursor Position)> rows)
    {
        var size = PageSize(query);
        var items = new List<JobState>(Math.Min(size, rows.Count));
        for (var i = 0; i < rows.Count && i < size; i++) items.Add(JobJson.ReadState(rows[i].StateJson));
        return new JobPage(items, rows.Count > size ? rows[size - 1].Position.Encode() : null);
    }

    /// <summary>
    /// For <see cref="IJobStore.FindOrphansAsync"/>: the status terms repeat the predicate of jobs_active_by_owner, so the
    /// planner can use it.
    /// </summary>
    public SqlQuery<string> FindOrphans(IReadOnlyCollection<string> liveOwners, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var values = new Values(dialect);
        return new($"""
            SELECT id FROM jobs
            WHERE status IN ('Queued', 'Running') AND {dialect.NotAmong("owner", values.Add("owners", dialect.List(liveOwners)))}
            LIMIT {values.Add("limit", limit)}
            """, values, Id);
    }

    /// <summary>
    /// For <see cref="IJobStore.FindQuietAsync"/>: two index scans (one over the active statuses, one on
    /// jobs_callback_pending), not one OR that would read the whole table.
    /// </summary>
    public SqlQuery<string> FindQuiet(DateTimeOffset updatedBefore, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var values = new Values(dialect);
        var before = values.Add("before", updatedBefore.ToUnixTimeMilliseconds());
        return new($"""
            SELECT id FROM (
                SELECT id, updated_at FROM jobs WHERE status IN ('Queued', 'Running') AND updated_at < {before}
                UNION ALL
                SELECT id, updated_at FROM jobs WHERE {dialect.IsTrue("callback_pending")} AND updated_at < {before}) AS quiet
            ORDER BY updated_at
            LIMIT {values.Add("limit", limit)}
            """, values, Id);
    }

    /// <summary>For <see cref="IJobStore.FindDueAsync"/>: jobs_scheduled_by_due, soonest first.</summary>
    public SqlQuery<string> FindDue(DateTimeOffset horizon, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var values = new Values(dialect);
        return new($"""
            SELECT id FROM jobs
            WHERE status = 'Scheduled' AND due_at <= {values.Add("horizon", horizon.ToUnixTimeMilliseconds())}
            ORDER BY due_at
            LIMIT {values.Add("limit", limit)}
            """, values, Id);
    }

    /// <summary>
    /// For <see cref="IJobStore.FindQueueMembersAsync"/>: the status terms repeat the predicate of jobs_active_by_queue,
    /// which holds a queue's rows of one status in this order, so the answer is the start of one index range.
    /// </summary>
    public SqlQuery<QueueMember> FindQueueMembers(string queue, JobStatus status, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var values = new Values(dialect);
        return new($"""
            SELECT id, status, priority, {dialect.JsonText("state", ["spec", "concurrencyKey"])}, created_at, owner FROM jobs
            WHERE status IN ('Queued', 'Running') AND queue = {values.Add("queue", queue)} AND status = {values.Add("status", status.ToString())}
            ORDER BY priority DESC, created_at, id
            LIMIT {values.Add("limit", limit)}
            """, values,
            row => new QueueMember(row.GetString(0), Enum.Parse<JobStatus>(row.GetString(1)), row.GetInt32(2),
                row.IsDBNull(3) ? null : row.GetString(3), DateTimeOffset.FromUnixTimeMilliseconds(row.GetInt64(4)), row.GetString(5)));
    }

    /// <summary>
    /// For <see cref="IJobStore.DeleteFinishedAsync"/>: the inner select walks jobs_finished_by_status_updated (its
    /// predicate repeated word for word) and stops at <paramref name="limit"/>. The outer terms repeat the inner ones, so a
    /// row that changed between the two (a retried job, a hand-over left to do) is not deleted: PostgreSQL rechecks the
    /// outer WHERE of a row written concurrently, never the subquery's.
    /// </summary>
    public SqlQuery<DeletedJob> DeleteFinished(JobStatus status, DateTimeOffset endedBefore, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        if (!status.IsTerminal()) throw new ArgumentOutOfRangeException(nameof(status), status, "Only finished jobs can be deleted.");
        var values = new Values(dialect);
        var matches = $"""
            status IN ('Succeeded', 'Failed', 'Cancelled') AND status = {values.Add("status", status.ToString())}
                AND updated_at < {values.Add("before", endedBefore.ToUnixTimeMilliseconds())} AND NOT ({dialect.IsTrue("callback_pending")})
            """;
        return new($"""
            DELETE FROM jobs
            WHERE {matches} AND id IN (SELECT id FROM jobs WHERE {matches} ORDER BY updated_at LIMIT {values.Add("limit", limit)})
            RETURNING {DeletedColumns}
            """, values, Deleted);
    }

    /// <summary>
    /// For <see cref="IJobStore.DeleteFailedAsync"/>: the listed jobs found by primary key, deleted only while they are
    /// <c>Failed</c> with their hand-over done. The row's status is checked in the statement itself, so a job retried
    /// meanwhile is kept.
    /// </summary>
    public SqlQuery<DeletedJob> DeleteFailed(IReadOnlyCollection<string> jobIds)
    {
        var values = new Values(dialect);
        return new($"""
            DELETE FROM jobs
            WHERE {dialect.Among("id", values.Add("ids", dialect.List(jobIds)))} AND status = 'Failed' AND NOT ({dialect.IsTrue("callback_pending")})
            RETURNING {DeletedColumns}
            """, values, Deleted);
    }

    /// <summary>What a delete returns of each row for <see cref="DeletedJob"/>: its id, batch and callback URL (read from the state only here).</summary>
    private string DeletedColumns => $"id, batch_id, {dialect.JsonText("state", ["spec", "callbackUrl"])}";

    /// <summary>
    /// For <see cref="IJobStore.TimelineAsync"/>: jobs created per bucket, read from jobs_by_created (or, for one owner,
    /// jobs_by_submitter_created) over the span alone, and jobs ended per bucket, read from
    /// jobs_finished_by_status_updated (a finished job's last write is its end, or a little later when its hand-over is
    /// recorded), whose predicate the status terms repeat. Each row is (bucket, created, ended).
    /// </summary>
    public SqlQuery<(int Bucket, long Created, long Ended)> TimelineCounts(DateTimeOffset from, TimeSpan bucket, int buckets, string? owner)
    {
        var values = new Values(dialect);
        var (start, width, end) = Span(values, from, bucket, buckets);
        var mine = owner is null ? "" : $" AND submitted_by = {values.Add("submitted_by", owner)}";
        return new($"""
            SELECT (created_at - {start}) / {width}, COUNT(*), 0 FROM jobs
            WHERE created_at >= {start} AND created_at < {end}{mine} GROUP BY 1
            UNION ALL
            SELECT (updated_at - {start}) / {width}, 0, COUNT(*) FROM jobs
            WHERE status IN ('Succeeded', 'Failed', 'Cancelled') AND updated_at >= {start} AND updated_at < {end}{mine} GROUP BY 1
            """, values, row => ((int)row.GetInt64(0), row.GetInt64(1), row.GetInt64(2)));
    }

    /// <summary>
    /// For <see cref="IJobStore.TimelineAsync"/>: the attempts (JSON) of the last <paramref name="perBucket"/> jobs that
    /// succeeded in each bucket, a sample to take the start delay from. Each bucket is its own range of
    /// jobs_finished_by_status_updated read newest first and left after <paramref name="perBucket"/> rows, so a bucket
    /// with many jobs costs no more than one with a few; only the sampled rows' state is read.
    /// </summary>
    public SqlQuery<(int Bucket, string? AttemptsJson)> TimelineSample(DateTimeOffset from, TimeSpan bucket, int buckets, string? owner, int perBucket)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perBucket);
        var values = new Values(dialect);
        var mine = owner is null ? "" : $" AND submitted_by = {values.Add("submitted_by", owner)}";
        var take = values.Add("take", perBucket);
        var attempts = dialect.JsonText("state", ["attempts"]);
        var samples = Enumerable.Range(0, buckets).Select(i => $"""
            SELECT * FROM (SELECT {i} AS bucket, {attempts} AS attempts FROM jobs
                WHERE status IN ('Succeeded', 'Failed', 'Cancelled') AND status = 'Succeeded'
                    AND updated_at >= {values.Add($"from_{i}", (from + bucket * i).ToUnixTimeMilliseconds())}
                    AND updated_at < {values.Add($"to_{i}", (from + bucket * (i + 1)).ToUnixTimeMilliseconds())}{mine}
                ORDER BY updated_at DESC LIMIT {take}) AS sample_{i}
            """);
        return new(string.Join("\nUNION ALL\n", samples), values, row => (row.GetInt32(0), row.IsDBNull(1) ? null : row.GetString(1)));
    }

    /// <summary>The start delays (milliseconds, never negative) of the attempts a <see cref="TimelineSample"/> row holds.</summary>
    public static IEnumerable<(int Bucket, double DelayMs)> StartDelays(IEnumerable<(int Bucket, string? AttemptsJson)> rows) =>
        from row in rows
        where row.AttemptsJson is not null
        from attempt in JobJson.ReadAttempts(row.AttemptsJson!)
        where attempt.DueAt is not null
        select (row.Bucket, Math.Max(0, (attempt.StartedAt - attempt.DueAt!.Value).TotalMilliseconds));

    private static (string Start, string Width, string End) Span(Values values, DateTimeOffset from, TimeSpan bucket, int buckets)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(buckets);
        ArgumentOutOfRangeException.ThrowIfLessThan(bucket, TimeSpan.FromMilliseconds(1));
        return (values.Add("start", from.ToUnixTimeMilliseconds()), values.Add("width", (long)bucket.TotalMilliseconds),
            values.Add("end", (from + bucket * buckets).ToUnixTimeMilliseconds()));
    }

    /// <summary>For <see cref="IJobStore.CountActiveAsync"/>.</summary>
    public static SqlQuery<JobCount> CountActive { get; } = new("""
        SELECT queue, status, COUNT(*) FROM jobs
        WHERE status IN ('Scheduled', 'Queued', 'Running')
        GROUP BY queue, status
        """, [], Count);

    /// <summary>For <see cref="IJobStore.CountByQueueAsync"/>. Failed jobs are found through the status index.</summary>
    public static SqlQuery<JobCount> CountByQueue { get; } = new("""
        SELECT queue, status, COUNT(*) FROM jobs
        WHERE status IN ('Scheduled', 'Queued', 'Running', 'Failed')
        GROUP BY queue, status
        """, [], Count);

    /// <summary>
    /// For <see cref="IJobStore.ListQueuesAsync"/>: a loose index scan (one index probe per distinct queue on the
    /// queue index) rather than a DISTINCT over every row.
    /// </summary>
    public static SqlQuery<string> Queues { get; } = new("""
        WITH RECURSIVE q(queue) AS (
            SELECT MIN(queue) FROM jobs
            UNION ALL
            SELECT (SELECT MIN(queue) FROM jobs WHERE jobs.queue > q.queue) FROM q WHERE q.queue IS NOT NULL)
        SELECT queue FROM q WHERE queue IS NOT NULL
        """, [], Id);

    /// <summary>The rows a page of <paramref name="query"/> holds: its limit, within 1 to 500.</summary>
    public static int PageSize(JobQuery query) => Math.Clamp(query.Limit, 1, MaxListLimit);

    private static string Id(DbDataReader row) => row.GetString(0);

    private static DeletedJob Deleted(DbDataReader row) =>
        new(row.GetString(0), row.IsDBNull(1) ? null : row.GetString(1), HadCallback: !row.IsDBNull(2));

    private static JobCount Count(DbDataReader row) => new(row.GetString(0), Enum.Parse<JobStatus>(row.GetString(1)), row.GetInt64(2));

    /// <summary>A statement's values as they are added, each given the dialect's marker for its place.</summary>
    private sealed class Values(SqlDialect dialect) : List<(string Marker, object Value)>
    {
        public string Add(string name, object value)
        {
            var marker = dialect.Parameter(Count + 1, name);
            Add((marker, value));
            return marker;
        }
    }
}

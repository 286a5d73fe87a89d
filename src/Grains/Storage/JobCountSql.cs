namespace OrleansJobs.Storage;

/// <summary>The count and queue queries of <see cref="IJobStore"/>: the same text in both dialects.</summary>
internal static class JobCountSql
{
    public const string Query = """
        SELECT queue, status, COUNT(*) FROM jobs
        WHERE status IN ('Scheduled', 'Queued', 'Running')
        GROUP BY queue, status
        """;

    /// <summary>For <see cref="IJobStore.CountByQueueAsync"/>. Failed jobs are found through the status index.</summary>
    public const string PerQueue = """
        SELECT queue, status, COUNT(*) FROM jobs
        WHERE status IN ('Scheduled', 'Queued', 'Running', 'Failed')
        GROUP BY queue, status
        """;

    /// <summary>
    /// For <see cref="IJobStore.ListQueuesAsync"/>: a loose index scan (one index probe per distinct queue on the
    /// queue index) rather than a DISTINCT over every row.
    /// </summary>
    public const string Queues = """
        WITH RECURSIVE q(queue) AS (
            SELECT MIN(queue) FROM jobs
            UNION ALL
            SELECT (SELECT MIN(queue) FROM jobs WHERE jobs.queue > q.queue) FROM q WHERE q.queue IS NOT NULL)
        SELECT queue FROM q WHERE queue IS NOT NULL
        """;

    public static JobCount Row(string queue, string status, long count) => new(queue, Enum.Parse<JobStatus>(status), count);
}

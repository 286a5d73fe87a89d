namespace OrleansJobs.Storage;

/// <summary>The count query behind <see cref="IJobStore.CountActiveAsync"/>: the same text in both dialects.</summary>
internal static class JobCountSql
{
    public const string Query = """
        SELECT queue, status, COUNT(*) FROM jobs
        WHERE status IN ('Scheduled', 'Queued', 'Running')
        GROUP BY queue, status
        """;

    public static JobCount Row(string queue, string status, long count) => new(queue, Enum.Parse<JobStatus>(status), count);
}

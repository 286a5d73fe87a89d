using OrleansJobs.Jobs;
using OrleansJobs.Storage;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Grains.Storage;

/// <summary>
/// The store's statements on a job table that grew after the store first ran them, on a real PostgreSQL server. Left to
/// its default, PostgreSQL may switch a prepared statement to one generic plan after five executions, made from the
/// statistics of that moment: made from an empty table's, the batched update's plan reads the whole table, and it stays
/// in use as the table grows. The store has every execution planned for its arguments
/// (<see cref="PostgresJobStoreOptions.CustomPlans"/>), so an update finds its rows by their key whatever the table
/// looked like before.
/// </summary>
[Trait("Kind", "Store")]
public sealed class PostgresJobStorePlanTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    private const string Silo = "S127.0.0.1:11111:1";
    private const int Grown = 20_000;

    [Fact]
    public async Task Updates_after_the_table_grew_read_their_rows_by_key_not_the_whole_table()
    {
        var ct = TestContext.Current.CancellationToken;
        await PostgresSchema.ApplyAsync(database.ConnectionString, ct);
        // An empty table's statistics, and no autovacuum to refresh them (which would also drop any cached plan).
        await database.ScalarAsync("ALTER TABLE jobs SET (autovacuum_enabled = false)", ct);
        await database.ScalarAsync("ANALYZE jobs", ct);
        await using var store = new PostgresJobStore(new PostgresJobStoreOptions(database.ConnectionString));

        // One write at a time, so each batch is one statement on the one write loop's connection: the driver prepares a
        // statement on its fifth use, and PostgreSQL weighs a generic plan after five executions of it; thirty updates
        // are well past both.
        var jobs = Enumerable.Range(0, 30).Select(_ => Jobs.New()).ToList();
        foreach (var job in jobs) await store.WriteAsync(job, Silo, 0, ct);
        foreach (var job in jobs) await store.WriteAsync(With(job, JobStatus.Running), Silo, 1, ct);

        await database.ScalarAsync(
            "INSERT INTO jobs (id, version, status, type, queue, priority, created_at, updated_at, owner, state) " +
            $"SELECT 'grown-' || n, 1, 'Succeeded', 'noop', 'default', 0, n, n, 'elsewhere', repeat('x', 500) FROM generate_series(1, {Grown}) n", ct);
        var before = await TableStatisticsAsync(inserted: jobs.Count + Grown, updated: jobs.Count, ct);

        foreach (var job in jobs) await store.WriteAsync(With(job, JobStatus.Succeeded), Silo, 2, ct);
        var after = await TableStatisticsAsync(inserted: jobs.Count + Grown, updated: 2 * jobs.Count, ct);

        // A whole-table plan would have read the table thirty times over: 600,000 rows.
        var read = after.SequentialRowsRead - before.SequentialRowsRead;
        Assert.True(read < Grown, $"{jobs.Count} updates read {read:N0} rows of a {Grown:N0}-row table by sequential scan");
        Assert.Equal(jobs.Count, Convert.ToInt32(await database.ScalarAsync("SELECT count(*) FROM jobs WHERE status = 'Succeeded' AND version = 3", ct)));
    }

    private static JobState With(JobState job, JobStatus status)
    {
        job.Status = status;
        return job;
    }

    /// <summary>
    /// The job table's counters once they show at least the given rows inserted and updated: a server process sends its
    /// counts to the shared statistics when idle, up to ten seconds later.
    /// </summary>
    private async Task<(long SequentialRowsRead, long Updated)> TableStatisticsAsync(long inserted, long updated, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var counts = (long[])(await database.ScalarAsync(
                "SELECT ARRAY[coalesce(seq_tup_read, 0), n_tup_ins, n_tup_upd] FROM pg_stat_user_tables WHERE relname = 'jobs'", ct))!;
            if (counts[1] >= inserted && counts[2] >= updated) return (counts[0], counts[2]);
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"The job table's statistics showed {counts[1]} inserts and {counts[2]} updates after a minute, not {inserted} and {updated}.");
            await Task.Delay(250, ct);
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using Npgsql;
using OrleansJobs.Storage;

namespace OrleansJobs.Bench.Compare;

/// <summary>
/// The database server's own CPU per job at the floor (issue 23, targets 1 and 3), with no silo in the way: pgbench
/// sends batches of the shape the store's write loop sends, one insert of new jobs and one update that finishes jobs
/// inserted a little earlier, pipelined in one implicit transaction (one round trip, one commit), over one connection as
/// the store's single write loop uses. The statements are written plainly (<c>generate_series</c>), not as the store's
/// <c>unnest</c> over parameter arrays with its labels' CTE: what those add is part of what a burst costs beyond this. On the job table exactly as the silo creates it (<see cref="PostgresSchema"/>),
/// or on the same table stripped of every index but its primary key, which no design of the table can go below.
/// </summary>
public static class DatabaseFloor
{
    /// <summary>A finished no-op job's state, as the store writes it (about 1,350 bytes of JSON in W1's table).</summary>
    public const int StateBytes = 1_350;

    /// <summary>One reading: the table, the jobs each commit carried, and what the server spent on them.</summary>
    public sealed record Reading(bool PrimaryKeyOnly, int JobsPerCommit, double JobsPerSecond, double ServerCpuMsPerJob, double WalBytesPerJob);

    /// <summary>
    /// Measures one reading in <paramref name="database"/>, which is recreated for it (so every reading starts from an
    /// empty table): a warm-up run of <paramref name="warmUp"/>, then the measured run of <paramref name="duration"/>,
    /// with the server's processes' CPU (<see cref="PostgresCpu"/>) and its write-ahead log counted over the latter.
    /// </summary>
    public static async Task<Reading> MeasureAsync(BenchDatabases databases, string database, bool primaryKeyOnly, int jobsPerCommit,
        TimeSpan warmUp, TimeSpan duration, CancellationToken cancellationToken)
    {
        await databases.RecreateAsync(database);
        // Unpooled: the next reading drops the database under any connection left open.
        var connectionString = new NpgsqlConnectionStringBuilder(databases.ConnectionString(database)) { Pooling = false }.ConnectionString;
        await PrepareAsync(connectionString, primaryKeyOnly, jobsPerCommit, cancellationToken);
        var script = Script(jobsPerCommit);
        await PgBench.RunAsync(connectionString, script, clients: 1, warmUp, "prepared", cancellationToken);

        var (wal, jobs) = (await databases.WalPositionAsync(), await InsertedAsync(connectionString));
        var clock = Stopwatch.StartNew();
        await using var cpu = PostgresCpu.Start();
        var run = await PgBench.RunAsync(connectionString, script, clients: 1, duration, "prepared", cancellationToken);
        var elapsed = clock.Elapsed;
        var seconds = (await cpu.StopAsync())?.All ?? throw new InvalidOperationException(
            "No PostgreSQL process runs on this machine: the database floor reads the server's CPU from /proc, so it needs the server here.");
        wal = await databases.WalPositionAsync() - wal;
        jobs = await InsertedAsync(connectionString) - jobs;
        if (jobs <= 0) throw new InvalidOperationException($"pgbench inserted no job in {duration.TotalSeconds:0} s");
        // pgbench's own rate leaves its connection time out; the clock's is the fallback for a run that printed none.
        var rate = run.Tps is { } tps ? tps * jobsPerCommit : jobs / elapsed.TotalSeconds;
        return new Reading(primaryKeyOnly, jobsPerCommit, rate, seconds * 1000 / jobs, wal / (double)jobs);
    }

    /// <summary>
    /// One batch of <paramref name="jobsPerCommit"/> jobs: they are inserted <c>Running</c> (as a job that starts in its
    /// creation's write is), and the same number, inserted 32 batches before, are finished. The sequence hands each
    /// batch a block of ids of its own, so every row is inserted once and finished once.
    /// </summary>
    public static string Script(int jobsPerCommit)
    {
        var last = (jobsPerCommit - 1).ToString(CultureInfo.InvariantCulture);
        var lag = (32 * jobsPerCommit).ToString(CultureInfo.InvariantCulture);
        var state = StateBytes.ToString(CultureInfo.InvariantCulture);
        return $"""
            \startpipeline
            INSERT INTO jobs (id, version, status, type, queue, priority, created_at, updated_at, due_at, owner, state, callback_pending)
            SELECT 'floor-' || (b.first + g), 1, 'Running', 'noop', 'floor', 0, b.now, b.now, NULL, 'bench-silo', repeat('r', {state}), false
            FROM (SELECT nextval('bench_floor_ids') AS first, (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS now) AS b, generate_series(0, {last}) AS g
            RETURNING id;
            UPDATE jobs SET version = version + 1, status = 'Succeeded', updated_at = updated_at + 1, state = repeat('s', {state})
            WHERE id IN (SELECT 'floor-' || (currval('bench_floor_ids') - {lag} + g) FROM generate_series(0, {last}) AS g) AND version = 1
            RETURNING id;
            \endpipeline

            """;
    }

    private static async Task PrepareAsync(string connectionString, bool primaryKeyOnly, int jobsPerCommit, CancellationToken cancellationToken)
    {
        await PostgresSchema.ApplyAsync(connectionString, cancellationToken);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await ExecuteAsync(connection, $"CREATE SEQUENCE bench_floor_ids INCREMENT BY {jobsPerCommit.ToString(CultureInfo.InvariantCulture)}", cancellationToken);
        if (!primaryKeyOnly) return;
        var indexes = new List<string>();
        await using (var find = new NpgsqlCommand(
                         "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'jobs' AND indexname <> 'jobs_pkey'", connection))
        await using (var reader = await find.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken)) indexes.Add(reader.GetString(0));
        }
        foreach (var index in indexes) await ExecuteAsync(connection, $"DROP INDEX \"{index}\"", cancellationToken);
    }

    private static async Task<long> InsertedAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM jobs", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

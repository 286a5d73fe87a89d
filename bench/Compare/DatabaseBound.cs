using Npgsql;

namespace OrleansJobs.Bench.Compare;

/// <summary>
/// What the PostgreSQL server itself can do for a job-like workload: pgbench with 8 clients, each running a script of
/// three commits on one ~500-byte row (insert, update, update), the smallest durable job lifecycle.
/// </summary>
public static class DatabaseBound
{
    private const int Clients = 8;

    private const string Script = """
        INSERT INTO bench_lifecycle (state) VALUES (repeat('q', 500)) RETURNING id \gset
        UPDATE bench_lifecycle SET state = repeat('r', 500) WHERE id = :id;
        UPDATE bench_lifecycle SET state = repeat('s', 500) WHERE id = :id;
        """;

    /// <summary>
    /// Runs pgbench in <paramref name="connectionString"/>'s database (its own table, dropped after) and returns
    /// lifecycles per second. pgbench prints no rate when no transaction finished within its time (a short run on a
    /// busy machine can end while its clients are still connecting): such a run is repeated, twice as long, up to
    /// three times.
    /// </summary>
    public static async Task<double> MeasureAsync(string connectionString, TimeSpan duration, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connectionString, "CREATE TABLE bench_lifecycle (id bigserial PRIMARY KEY, state text NOT NULL)");
        try
        {
            for (var run = 1; ; run++, duration *= 2)
            {
                var result = await PgBench.RunAsync(connectionString, Script, Clients, duration, "simple", cancellationToken);
                if (result.Tps is { } rate) return rate;
                if (result.Processed != 0 || run == 3) throw new InvalidOperationException($"pgbench reported no rate: {result.Report}");
            }
        }
        finally
        {
            await ExecuteAsync(connectionString, "DROP TABLE IF EXISTS bench_lifecycle");
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

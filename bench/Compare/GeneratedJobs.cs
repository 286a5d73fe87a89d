using System.Diagnostics;
using Npgsql;

namespace OrleansJobs.Bench.Compare;

/// <summary>
/// W8's table: finished jobs generated with SQL (generate_series) into a silo's PostgreSQL job table, each row a copy of
/// a real job's stored state with its own id, status, type, queue, correlation id and times, the typed columns matching.
/// </summary>
public static class GeneratedJobs
{
    /// <summary>Rows per INSERT statement, so that progress shows and no statement runs for minutes.</summary>
    private const int Chunk = 100_000;

    /// <summary>How far back the generated jobs were created: a month, newest first.</summary>
    private static readonly TimeSpan Span = TimeSpan.FromDays(30);

    /// <summary>The queues the generated jobs spread over, and the share of each (tenant queues: 50 of 0.2 % each).</summary>
    public const string BigQueue = "emails";
    public const string SmallQueue = "tenant-07";

    // n is the row's number (1 = newest), h a hash of it that spreads statuses, queues and types without a pattern:
    // 90 % Succeeded, 7 % Failed, 3 % Cancelled; queues default 50 %, emails 20 %, reports and images 10 % each, and 50
    // tenant queues of 0.2 % each; four types; two jobs share each correlation id (an order and its follow-up).
    private const string Insert = """
        INSERT INTO jobs (id, version, status, type, queue, priority, created_at, updated_at, due_at, owner, state, correlation_id)
        SELECT id, 3, status, type, queue, 0, created, ended, NULL, 'generated',
               jsonb_set(jsonb_set(jsonb_set(jsonb_set(jsonb_set(jsonb_set(jsonb_set(jsonb_set(jsonb_set(jsonb_set(
                   @template::jsonb,
                   '{id}', to_jsonb(id)), '{status}', to_jsonb(status)),
                   '{spec,type}', to_jsonb(type)), '{spec,queue}', to_jsonb(queue)), '{spec,correlationId}', to_jsonb(correlation)),
                   '{createdAt}', to_jsonb(pg_temp.iso(created))), '{updatedAt}', to_jsonb(pg_temp.iso(ended))), '{completedAt}', to_jsonb(pg_temp.iso(ended))),
                   '{attempts,0,startedAt}', to_jsonb(pg_temp.iso(created + 3))), '{attempts,0,endedAt}', to_jsonb(pg_temp.iso(ended)))::text,
               correlation
        FROM (SELECT 'gen-' || lpad(n::text, 9, '0') AS id,
                     CASE WHEN h % 100 < 90 THEN 'Succeeded' WHEN h % 100 < 97 THEN 'Failed' ELSE 'Cancelled' END AS status,
                     (ARRAY['noop', 'http', 'report', 'resize'])[1 + ((h / 1000000) % 4)::int] AS type,
                     CASE WHEN (h / 100) % 100 < 50 THEN 'default' WHEN (h / 100) % 100 < 70 THEN 'emails'
                          WHEN (h / 100) % 100 < 80 THEN 'reports' WHEN (h / 100) % 100 < 90 THEN 'images'
                          ELSE 'tenant-' || lpad(((h / 10000) % 50)::text, 2, '0') END AS queue,
                     @newest - (n - 1) * @spacing AS created,
                     @newest - (n - 1) * @spacing + 20 + h % 2000 AS ended,
                     'order-' || (n / 2) AS correlation
              FROM (SELECT n, (hashint8(n) & 2147483647) AS h FROM generate_series(@first::bigint, @last::bigint) AS n) AS numbered) AS generated
        """;

    private const string IsoFunction = """
        CREATE OR REPLACE FUNCTION pg_temp.iso(ms bigint) RETURNS text LANGUAGE sql IMMUTABLE AS
        $$ SELECT to_char(to_timestamp(ms / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS') || '+00:00' $$
        """;

    /// <summary>The correlation id of generated row <paramref name="n"/> (1 = newest).</summary>
    public static string CorrelationId(long n) => $"order-{n / 2}";

    /// <summary>
    /// Adds <paramref name="rows"/> finished jobs, copies of <paramref name="templateState"/> (a real job's stored state),
    /// then vacuums and analyses the table as autovacuum would have on a table that grew to this size over a month.
    /// </summary>
    public static async Task FillAsync(string connectionString, string templateState, int rows, Action<string> progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using (var function = new NpgsqlCommand(IsoFunction, connection)) await function.ExecuteNonQueryAsync(cancellationToken);
        var newest = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 60_000;
        var spacing = Math.Max(1, (long)Span.TotalMilliseconds / rows);
        for (long first = 1; first <= rows; first += Chunk)
        {
            var last = Math.Min(rows, first + Chunk - 1);
            await using var insert = new NpgsqlCommand(Insert, connection) { CommandTimeout = 600 };
            insert.Parameters.AddWithValue("template", templateState);
            insert.Parameters.AddWithValue("newest", newest);
            insert.Parameters.AddWithValue("spacing", spacing);
            insert.Parameters.AddWithValue("first", first);
            insert.Parameters.AddWithValue("last", last);
            await insert.ExecuteNonQueryAsync(cancellationToken);
            progress($"W8: {last:N0} of {rows:N0} jobs generated ({clock.Elapsed.TotalSeconds:N0} s)");
        }
        await using var vacuum = new NpgsqlCommand("VACUUM ANALYZE jobs", connection) { CommandTimeout = 600 };
        await vacuum.ExecuteNonQueryAsync(cancellationToken);
        progress($"W8: table filled and vacuumed in {clock.Elapsed.TotalSeconds:N0} s");
    }
}

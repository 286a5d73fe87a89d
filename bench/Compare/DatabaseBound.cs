using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace OrleansJobs.Bench.Compare;

/// <summary>
/// What the PostgreSQL server itself can do for a job-like workload: pgbench with 8 clients, each running a script of
/// three commits on one ~500-byte row (insert, update, update), the smallest durable job lifecycle.
/// </summary>
public static partial class DatabaseBound
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
        var script = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(script, Script, cancellationToken);
            for (var run = 1; ; run++, duration *= 2)
            {
                var (tps, processed, report) = await RunAsync(connectionString, script, duration, cancellationToken);
                if (tps is { } rate) return rate;
                if (processed != 0 || run == 3) throw new InvalidOperationException($"pgbench reported no rate: {report}");
            }
        }
        finally
        {
            File.Delete(script);
            await ExecuteAsync(connectionString, "DROP TABLE IF EXISTS bench_lifecycle");
        }
    }

    /// <summary>One pgbench run: its rate (null when it printed none), the transactions it processed, and its output.</summary>
    private static async Task<(double? Tps, long? Processed, string Report)> RunAsync(
        string connectionString, string script, TimeSpan duration, CancellationToken cancellationToken)
    {
        var target = new NpgsqlConnectionStringBuilder(connectionString);
        var start = new ProcessStartInfo(FindPgBench()) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[]
                 {
                     "-n", "-c", Clients.ToString(CultureInfo.InvariantCulture), "-j", "2",
                     "-T", Math.Max(1, (int)duration.TotalSeconds).ToString(CultureInfo.InvariantCulture), "-f", script,
                     "-h", target.Host!, "-p", target.Port.ToString(CultureInfo.InvariantCulture), "-U", target.Username!, target.Database!,
                 })
            start.ArgumentList.Add(arg);
        start.Environment["PGPASSWORD"] = target.Password ?? "";
        using var pgbench = Process.Start(start)!;
        var output = pgbench.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = pgbench.StandardError.ReadToEndAsync(cancellationToken);
        using var cap = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cap.CancelAfter(duration + TimeSpan.FromSeconds(30));
        try
        {
            await pgbench.WaitForExitAsync(cap.Token);
        }
        finally
        {
            if (!pgbench.HasExited) pgbench.Kill(entireProcessTree: true);
        }

        var report = $"{await output}\n{await error}";
        if (pgbench.ExitCode != 0) throw new InvalidOperationException($"pgbench failed (exit {pgbench.ExitCode}): {report}");
        var tps = Tps().Match(report);
        var processed = Processed().Match(report);
        return (tps.Success ? double.Parse(tps.Groups[1].Value, CultureInfo.InvariantCulture) : null,
            processed.Success ? long.Parse(processed.Groups[1].Value, CultureInfo.InvariantCulture) : null,
            report);
    }

    /// <summary>On PATH, or where Debian's server package puts it.</summary>
    private static string FindPgBench()
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, "pgbench"));
        var debian = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").OrderDescending().Select(folder => Path.Combine(folder, "bin", "pgbench"))
            : [];
        return onPath.Concat(debian).FirstOrDefault(File.Exists)
               ?? throw new FileNotFoundException("pgbench is neither on PATH nor under /usr/lib/postgresql/*/bin (Debian: apt-get install postgresql).");
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    [GeneratedRegex(@"tps = ([0-9.]+) \(without initial connection time\)")]
    private static partial Regex Tps();

    [GeneratedRegex(@"number of transactions actually processed: ([0-9]+)")]
    private static partial Regex Processed();
}

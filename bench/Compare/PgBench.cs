using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace OrleansJobs.Bench.Compare;

/// <summary>Runs PostgreSQL's pgbench with a custom script against one database, for the workloads that measure the server alone.</summary>
public static partial class PgBench
{
    /// <summary>What one run printed: its rate (null when it printed none), the transactions it processed, and its whole output.</summary>
    public sealed record Result(double? Tps, long? Processed, string Report);

    /// <summary>
    /// One pgbench run of <paramref name="script"/> (its text) with <paramref name="clients"/> connections for
    /// <paramref name="duration"/>, in <paramref name="protocol"/> (<c>simple</c>, <c>extended</c> or <c>prepared</c>),
    /// against <paramref name="connectionString"/>'s database. A run that exits with an error throws with its output.
    /// </summary>
    public static async Task<Result> RunAsync(string connectionString, string script, int clients, TimeSpan duration, string protocol,
        CancellationToken cancellationToken)
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, script, cancellationToken);
            var target = new NpgsqlConnectionStringBuilder(connectionString);
            var start = new ProcessStartInfo(FindPgBench()) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[]
                     {
                         "-n", "-M", protocol, "-c", clients.ToString(CultureInfo.InvariantCulture), "-j", "2",
                         "-T", Math.Max(1, (int)duration.TotalSeconds).ToString(CultureInfo.InvariantCulture), "-f", file,
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
            return new Result(tps.Success ? double.Parse(tps.Groups[1].Value, CultureInfo.InvariantCulture) : null,
                processed.Success ? long.Parse(processed.Groups[1].Value, CultureInfo.InvariantCulture) : null,
                report);
        }
        finally
        {
            File.Delete(file);
        }
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

    [GeneratedRegex(@"tps = ([0-9.]+) \(without initial connection time\)")]
    private static partial Regex Tps();

    [GeneratedRegex(@"number of transactions actually processed: ([0-9]+)")]
    private static partial Regex Processed();
}

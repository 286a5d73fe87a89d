namespace OrleansJobs.Bench.Compare;

public sealed partial class Benchmark
{
    private const string Embedded = "embedded SQLite";

    /// <summary>
    /// W1 and W5 on the embedded default (issue 23): a silo with no connection string keeps its jobs in a SQLite file of a
    /// fresh data directory, warmed up as PostgreSQL's is, then W1's bursts and one W5 reading, into the W1 and W5 rows
    /// beside PostgreSQL's. No commit count: SQLite keeps none the driver can read.
    /// </summary>
    private async Task EmbeddedAsync()
    {
        using var dataDirectory = new ScratchDirectory("orleansjobs-bench-sqlite-");
        await using var silo = await OrleansJobsSystem.StartAsync(ResultTable.OrleansJobs, "", connectionString: null, telemetry: true,
            EmbeddedSilo(dataDirectory), cancellationToken);
        await WarmUpAsync(silo, "sqlite", settings.WarmUpJobs);
        var bursts = new List<Burst>();
        for (var round = 1; round <= settings.BurstRounds; round++)
            bursts.Add(await OneBurstAsync(silo, $"sqlite-{round}", countCommits: false));
        var median = Median(bursts);

        const string oj = ResultTable.OrleansJobs;
        table.Set("W1", $"end-to-end, {Embedded} (jobs/s; median burst)", oj, Cell.Of(median.EndToEnd));
        table.Set("W1", $"end-to-end of each burst, {Embedded} (jobs/s)", oj,
            Cell.Note(Each(bursts.Select(b => b.EndToEnd))));
        table.Set("W1", $"silo CPU per job, {Embedded} (ms; median burst)", oj, Cell.Of(median.SiloCpuPerJob));
        table.Set("W1", $"machine CPU per job, {Embedded} (ms; median burst)", oj, Cell.Of(median.MachineCpuPerJob));

        var reading = await MeasureHttpAsync(silo, "w5-sqlite", $"OrleansJobs W5 ({Embedded})");
        var p99 = Percentile(reading.Times, 0.99);
        table.Set("W5", $"HTTP submit response p99 (ms), {Embedded}", oj, Cell.Of(p99));
        table.Set("W5", $"errors, {Embedded}", oj, Cell.Count(reading.Errors));
        table.Set("W5", $"silo CPU per request, {Embedded} (ms)", oj, Cell.Of(reading.SiloCpuPerRequest));
        table.Target("W5", $"HTTP submit response p99 (ms), {Embedded}", "≤ 20 ms", double.IsNaN(p99) ? null : p99 <= 20);
    }

    /// <summary>The run's silo environment, with the embedded store's data directory in <paramref name="dataDirectory"/>.</summary>
    private Dictionary<string, string> EmbeddedSilo(ScratchDirectory dataDirectory) =>
        new(settings.SiloEnvironment) { ["OrleansJobs__DataDirectory"] = dataDirectory.Path };
}

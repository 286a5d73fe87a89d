namespace OrleansJobs.Bench.Compare;

public sealed partial class Benchmark
{
    private const string InMemory = "in-memory job store (bench only)";
    private const string PostgresBeside = "PostgreSQL store alternating with it";
    private const string PostgresShare = "PostgreSQL as % of the in-memory store (best of each)";

    /// <summary>
    /// The durability tax (issue 23, target 3): W1 on the same silo with its job table in memory (bench/MemorySilo: the
    /// real host with the store swapped; Orleans' own state in a SQLite file of a fresh data directory, off a job's path)
    /// and on the PostgreSQL store, in alternation: per round a fresh silo of each kind, memory first in odd rounds and
    /// last in even ones (<see cref="Alternation"/>), each warmed up as W1's, then one burst. Fresh silos on both sides, so that neither is measured older or with more jobs behind it; no
    /// commit count on either, whose settling waits would give one kind idle time before its burst that the other does
    /// not get. Compared best against best, as telemetry's cost is: this machine's noise only ever slows a burst down.
    /// </summary>
    private async Task InMemoryAsync()
    {
        var memorySilo = Path.Combine(AppContext.BaseDirectory, "OrleansJobs.Bench.MemorySilo.dll");
        var (memory, postgres) = (new List<Burst>(), new List<Burst>());
        for (var round = 1; round <= settings.BurstRounds; round++)
        foreach (var side in Alternation.Order(2, round))
        {
            if (side == 1)
            {
                postgres.Add(await BurstOnFreshSiloAsync($"mempg{round}", telemetry: true, countCommits: false));
                continue;
            }
            using var dataDirectory = new ScratchDirectory("orleansjobs-bench-memory-");
            memory.Add(await BurstOnFreshSiloAsync($"mem{round}", () => OrleansJobsSystem.StartAsync(ResultTable.OrleansJobs, "", connectionString: null,
                telemetry: true, EmbeddedSilo(dataDirectory), cancellationToken, siloAssembly: memorySilo), countCommits: false));
        }

        var (memoryRate, postgresRate) = (memory.Max(b => b.EndToEnd), postgres.Max(b => b.EndToEnd));
        var share = 100 * postgresRate / memoryRate;
        Progress($"W1 {InMemory}: {Each(memory.Select(b => b.EndToEnd))} jobs/s, silo CPU {Each(memory.Select(b => b.SiloCpuPerJob))} ms a job; " +
                 $"PostgreSQL beside it: {Each(postgres.Select(b => b.EndToEnd))} jobs/s, {Each(postgres.Select(b => b.SiloCpuPerJob))} ms; PostgreSQL at {share:N1} %");

        const string oj = ResultTable.OrleansJobs;
        table.Set("W1", $"end-to-end, {InMemory} (jobs/s; best of its silos)", oj, Cell.Of(memoryRate));
        table.Set("W1", $"end-to-end of each silo, {InMemory} (jobs/s)", oj, Cell.Note(Each(memory.Select(b => b.EndToEnd))));
        table.Set("W1", $"end-to-end of each silo, {PostgresBeside} (jobs/s)", oj, Cell.Note(Each(postgres.Select(b => b.EndToEnd))));
        table.Set("W1", $"silo CPU per job, {InMemory} (ms; least of its silos)", oj, Cell.Of(memory.Min(b => b.SiloCpuPerJob)));
        table.Set("W1", $"silo CPU per job, {PostgresBeside} (ms; least of its silos)", oj, Cell.Of(postgres.Min(b => b.SiloCpuPerJob)));
        table.Set("W1", $"machine CPU per job, {InMemory} / {PostgresBeside} (ms; least of each)", oj,
            Cell.Note($"{memory.Min(b => b.MachineCpuPerJob):N2} / {postgres.Min(b => b.MachineCpuPerJob):N2}"));
        table.Set("W1", $"database server CPU per job, {PostgresBeside} (ms; least of its silos)", oj, Cell.Fine(postgres.Min(b => b.ServerCpuPerJob)));
        table.Set("W1", PostgresShare, oj, Cell.Of(share));
        table.Target("W1", PostgresShare, "≥ 80 %", double.IsNaN(share) ? null : share >= 80);
    }
}

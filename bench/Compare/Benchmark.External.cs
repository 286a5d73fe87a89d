using System.Globalization;

namespace OrleansJobs.Bench.Compare;

public sealed partial class Benchmark
{
    private const string ExternalShare = "external end-to-end as % of in-process";
    private const string WorkerStartP99 = "submit → worker start p99 (ms)";

    /// <summary>
    /// W7 (issue 19): the W1 burst taken by the reference Node worker in separate processes (no-op jobs leased over HTTP),
    /// beside the same burst run by in-process handlers on the same silo, in alternation (in-process, external, then
    /// external, in-process: <see cref="Alternation"/>); then submit → worker start at W2's steady rate, the start being
    /// the attempt's startedAt, which the lease sets.
    /// </summary>
    private async Task ExternalWorkersAsync()
    {
        var environment = new Dictionary<string, string>(settings.SiloEnvironment) { ["OrleansJobs__Workers__Types__0"] = NodeWorkers.JobType };
        await using var silo = await OrleansJobsSystem.StartAsync(ResultTable.OrleansJobs, databases.OrleansJobs, databases.ConnectionString(databases.OrleansJobs),
            telemetry: true, environment, cancellationToken);
        await using var workers = NodeWorkers.Start(silo.BaseAddress, settings.ExternalWorkers, settings.ExternalLeases);
        await WarmUpAsync(silo, "w7in", settings.WarmUpJobs);
        await WarmUpAsync(silo, "w7ext", settings.WarmUpJobs, external: true);
        workers.EnsureRunning();

        var (inProcess, external, workerCpu) = (new List<Burst>(), new List<Burst>(), new List<double>());
        for (var round = 1; round <= settings.ExternalRounds; round++)
        foreach (var side in Alternation.Order(2, round))
        {
            if (side == 0)
            {
                inProcess.Add(await OneBurstAsync(silo, $"in-{round}"));
                continue;
            }
            var cpuBefore = workers.CpuTime();
            var burst = await OneBurstAsync(silo, $"ext-{round}", external: true);
            workerCpu.Add((workers.CpuTime() - cpuBefore).TotalMilliseconds / settings.BurstJobs);
            external.Add(burst);
            workers.EnsureRunning();
        }

        const string oj = ResultTable.OrleansJobs;
        var (bestIn, bestExt) = (inProcess.MaxBy(b => b.EndToEnd)!, external.MaxBy(b => b.EndToEnd)!);
        var shape = string.Create(CultureInfo.InvariantCulture, $"{settings.ExternalWorkers} Node workers × {settings.ExternalLeases} leases");
        table.Set("W7", $"end-to-end, in-process handlers (jobs/s; best of {inProcess.Count} bursts of {settings.BurstJobs:N0})", oj, Cell.Of(bestIn.EndToEnd));
        table.Set("W7", $"end-to-end, {shape} (jobs/s; best of {external.Count})", oj, Cell.Of(bestExt.EndToEnd));
        table.Set("W7", "end-to-end of each burst, in-process (jobs/s)", oj, Cell.Note(Each(inProcess.Select(b => b.EndToEnd))));
        table.Set("W7", "end-to-end of each burst, external (jobs/s)", oj, Cell.Note(Each(external.Select(b => b.EndToEnd))));
        table.Set("W7", ExternalShare, oj, Cell.Of(100 * bestExt.EndToEnd / bestIn.EndToEnd));
        table.Set("W7", "external completed (best burst)", oj, bestExt.Completed);
        table.Set("W7", "silo CPU per job, in-process / external (ms; least of each)", oj,
            Cell.Note($"{Cell.Format(inProcess.Min(b => b.SiloCpuPerJob))} / {Cell.Format(external.Min(b => b.SiloCpuPerJob))}"));
        table.Set("W7", "machine CPU per job, in-process / external (ms; every process, the workers too; least of each)", oj,
            Cell.Note($"{Cell.Format(inProcess.Min(b => b.MachineCpuPerJob))} / {Cell.Format(external.Min(b => b.MachineCpuPerJob))}"));
        table.Set("W7", "Node workers' CPU per job (ms; all of them, each burst)", oj, Cell.Note(Each(workerCpu)));
        table.Target("W7", ExternalShare, "≥ 50 %", 100 * bestExt.EndToEnd / bestIn.EndToEnd >= 50);

        await WorkerStartAsync(silo, workers);
    }

    /// <summary>W7's latency half: external jobs at W2's steady rate; how long each waits from its submit to its lease.</summary>
    private async Task WorkerStartAsync(OrleansJobsSystem silo, NodeWorkers workers)
    {
        const string workload = "w7-steady";
        var submissions = await Load.SteadyAsync(silo, settings.SteadyRate, settings.SteadyDuration, i => new JobOrder(workload, i, External: true), settings.DrainCap, cancellationToken);
        var (jobs, drained) = await Load.DrainAsync(silo, workload, submissions, DateTimeOffset.UtcNow + settings.DrainCap, cancellationToken);
        workers.EnsureRunning();
        var waits = jobs.Where(j => j.Attempts.Count > 0).Select(j => (j.Attempts[0].StartedAt - submissions.SentAt[j.Index]).TotalMilliseconds).Order().ToArray();
        Progress($"OrleansJobs W7 at {settings.SteadyRate}/s: {waits.Length}/{submissions.Count} leased, submit → worker start " +
                 $"p50 {Percentile(waits, 0.50):N1}, p99 {Percentile(waits, 0.99):N1} ms, drained: {drained}");

        const string oj = ResultTable.OrleansJobs;
        var rate = settings.SteadyRate.ToString("N0", CultureInfo.InvariantCulture);
        table.Set("W7", $"submit → worker start p50 (ms) at {rate} jobs/s", oj, Cell.Of(Percentile(waits, 0.50)));
        table.Set("W7", WorkerStartP99, oj, Cell.Of(Percentile(waits, 0.99)));
        table.Set("W7", "external jobs started at the steady rate", oj, Completed(waits.Length, submissions.Count, drained, null, submissions));
        var p99 = Percentile(waits, 0.99);
        table.Target("W7", WorkerStartP99, "≤ 50 ms", double.IsNaN(p99) ? null : p99 <= 50);
    }
}

using System.Globalization;

namespace OrleansJobs.Bench.Compare;

/// <summary>
/// The workloads W1–W9, each against each system that takes part in it, into one <see cref="ResultTable"/>. W5 and its key
/// variant W5k, W7, W8, W9 (one silo against a cluster of two), W1-cold (fresh silos), telemetry's cost, the embedded
/// SQLite store's W1 and W5, and W1 on the in-memory store are in files of their own.
/// </summary>
public sealed partial class Benchmark(BenchSettings settings, BenchDatabases databases, ResultTable table, CancellationToken cancellationToken)
{
    private const string DbBound = "database bound: pgbench lifecycles/s (8 clients × insert+update+update)";
    private const string EndToEnd = "end-to-end (jobs/s, first submit → last completion)";
    private const string CommitsPerJob = "database commits per job";
    private const string MachineCpuPerJob = "machine CPU per job (ms; every process: driver, system, database)";
    private const string ServerCpuPerJob = "database server CPU per job (ms; every PostgreSQL process)";
    private const string OwnServerCpuPerJob = "database server CPU per job in the system's own connections (ms; its database's backends)";
    private const string FractionOfBound = "end-to-end as % of the database bound";
    private const string LatencyP99 = "submit → start p99 (ms)";
    private const string KeptUp = "kept up";
    private const string LatenessP99 = "start lateness p99 (ms)";
    private const string RetryLatenessP99 = "retry lateness p99 (ms)";
    private const string ResponseP99 = "HTTP submit response p99 (ms; the worst run's)";
    private const string ResponseErrors = "errors (all runs)";
    private const string IdleRss = "silo RSS after they are idle (MiB)";
    private const string IdleRssWorker = "worker silo (dashboard off): RSS after they are idle (MiB)";
    private const string EndToEndWorker = "end-to-end, worker silo (dashboard off) (jobs/s)";
    private const string EndToEndBursts = "end-to-end of each burst (jobs/s)";
    private const string FractionOfBoundWorker = "worker silo end-to-end as % of the database bound";

    private static Dictionary<string, string> WorkerSilo(IReadOnlyDictionary<string, string> environment) =>
        new(environment) { ["OrleansJobs__Dashboard"] = "false" };

    public async Task RunAsync()
    {
        var bound = double.NaN;
        if (settings.Runs("W1"))
        {
            bound = await DatabaseBound.MeasureAsync(databases.ConnectionString(databases.Hangfire), settings.PgBenchDuration, cancellationToken);
            table.Set("W1", DbBound, ResultTable.OrleansJobs, Cell.Of(bound));
            Progress($"database bound: {bound:N0} lifecycles/s");
        }

        var ojConnection = databases.ConnectionString(databases.OrleansJobs);
        if (new[] { "W1", "W2", "W3", "W4", "W5" }.Any(settings.Runs))
        {
            await using var silo = await OrleansJobsSystem.StartAsync(ResultTable.OrleansJobs, databases.OrleansJobs, ojConnection, telemetry: true, settings.SiloEnvironment, cancellationToken);
            await WarmUpAsync(silo, "oj", settings.WarmUpJobs);
            if (settings.Runs("W1"))
            {
                var w1 = await BurstAsync(silo, "oj", ResultTable.OrleansJobs);
                table.Set("W1", FractionOfBound, ResultTable.OrleansJobs, Cell.Of(100 * w1.EndToEnd / bound));
            }
            foreach (var workload in new[] { "W2", "W3", "W4" }.Where(settings.Runs))
                await RunCommonAsync(workload, silo, "oj", ResultTable.OrleansJobs);
            if (settings.Runs("W5")) await HttpSubmitAsync(silo);
        }

        if (settings.MeasuresTelemetry) await TelemetryCostAsync();

        if (settings.Runs("W1"))
        {
            // A cluster's worker silo (OrleansJobs:Dashboard=false; one silo with the dashboard shows them all).
            var worker = (await BurstOnFreshSiloAsync("ojworker", telemetry: true, WorkerSilo(settings.SiloEnvironment))).EndToEnd;
            table.Set("W1", EndToEndWorker, ResultTable.OrleansJobs, Cell.Of(worker));
            table.Set("W1", FractionOfBoundWorker, ResultTable.OrleansJobs, Cell.Of(100 * worker / bound));
        }

        if (settings.Runs("SQLite")) await EmbeddedAsync();
        if (settings.Runs("Memory")) await InMemoryAsync();
        if (settings.Runs("W1-cold")) await ColdStartAsync();
        if (settings.Runs("Cluster")) await ClusterAsync();
        if (settings.Runs("W5k")) await KeyCostAsync();
        if (settings.Runs("W7")) await ExternalWorkersAsync();
        if (settings.Runs("W8")) await JobsPageAsync();
        if (settings.Runs("Floor")) await FloorAsync();
        if (settings.Runs("Try") && settings.Trials.Count > 0) await TrialsAsync();

        if (settings.Runs("W6"))
        {
            foreach (var worker in new[] { false, true })
            {
                await using var silo = await OrleansJobsSystem.StartAsync(ResultTable.OrleansJobs, databases.OrleansJobs, ojConnection, telemetry: true,
                    worker ? WorkerSilo(settings.SiloEnvironment) : settings.SiloEnvironment, cancellationToken);
                await IdleMemoryAsync(silo, worker);
            }
        }

        if (new[] { "W1", "W2", "W3", "W4" }.Any(settings.Runs) && !settings.OrleansJobsOnly)
        {
            var hangfireConnection = databases.ConnectionString(databases.Hangfire);
            var hangfireWarm = false;
            foreach (var (column, key, tuned) in new[] { (ResultTable.HangfireDefault, "hfd", false), (ResultTable.HangfireTuned, "hft", true) })
            foreach (var workload in new[] { "W1", "W2", "W3", "W4" }.Where(settings.Runs))
            {
                // A Hangfire schema of its own per workload: jobs a capped workload leaves behind do not run into the next one's figures.
                await using var hangfire = HangfireSystem.Start(key, $"hangfire_{key}_{workload.ToLowerInvariant()}", databases.Hangfire, hangfireConnection, settings.HangfireWorkers, tuned);
                // Hangfire runs in this process: once warm, it stays warm for the servers started after it.
                if (!hangfireWarm) await WarmUpAsync(hangfire, key, settings.HangfireWarmUpJobs);
                hangfireWarm = true;
                await RunCommonAsync(workload, hangfire, key, column);
            }
        }

        SetTargets();
    }

    /// <summary>One of the workloads both systems run.</summary>
    private Task RunCommonAsync(string workload, IJobSystem system, string key, string column) => workload switch
    {
        "W1" => BurstAsync(system, key, column),
        "W2" => SteadyAsync(system, key, column),
        "W3" => DelayedAsync(system, key, column),
        "W4" => RetryAsync(system, key, column),
        _ => throw new ArgumentOutOfRangeException(nameof(workload), workload, "Not a workload both systems run."),
    };

    /// <summary>
    /// A few jobs through a freshly started system before it is measured, so that no workload pays for its just-in-time
    /// compilation and first connections.
    /// </summary>
    private async Task WarmUpAsync(IJobSystem system, string key, int count, bool external = false)
    {
        // Twice, with a quiet gap after each: the runtime starts counting calls towards its optimising tier only once no
        // new method has been compiled for a while, which does not happen during a silo's first burst of work. After one
        // round, the measured burst still spent a tenth of the silo's CPU in the JIT (perf); after two, next to none.
        for (var round = 1; round <= 2; round++)
        {
            var workload = $"warmup-{key.ToLowerInvariant()}-{round}";
            var submissions = await Load.BurstAsync(system, count, settings.BurstProducers, i => new JobOrder(workload, i, External: external), settings.DrainCap, cancellationToken);
            await Load.DrainAsync(system, workload, submissions, DateTimeOffset.UtcNow + settings.DrainCap, cancellationToken);
            // W5 reads the silo's /metrics at its start: the exporter's first scrape compiles some 600 methods and would
            // otherwise do so inside the measured second.
            if (system is OrleansJobsSystem silo) await silo.ScrapeAsync(cancellationToken);
            await Task.Delay(settings.WarmUpSettle, cancellationToken);
        }
        Progress($"{system.Name} ({key}) warmed up with {count:N0} jobs");
    }

    /// <summary>
    /// W1 on a PostgreSQL silo of its own, started and warmed up for it (telemetry on or off; the run's silo environment
    /// unless given; <paramref name="countCommits"/> as <see cref="OneBurstAsync"/>'s).
    /// </summary>
    private Task<Burst> BurstOnFreshSiloAsync(string key, bool telemetry, IReadOnlyDictionary<string, string>? environment = null, bool countCommits = true) =>
        BurstOnFreshSiloAsync(key, () => OrleansJobsSystem.StartAsync(ResultTable.OrleansJobs, databases.OrleansJobs, databases.ConnectionString(databases.OrleansJobs),
            telemetry, environment ?? settings.SiloEnvironment, cancellationToken), countCommits);

    /// <summary>
    /// W1 on the silo <paramref name="start"/> starts for it, warmed up first, stopped after its one burst; with the
    /// silo's peak resident memory (<see cref="Burst.SiloPeakMiB"/>) over its start, warm-up and burst.
    /// </summary>
    private async Task<Burst> BurstOnFreshSiloAsync(string key, Func<Task<OrleansJobsSystem>> start, bool countCommits)
    {
        await using var silo = await start();
        await WarmUpAsync(silo, key, settings.WarmUpJobs);
        var burst = await OneBurstAsync(silo, key, countCommits: countCommits);
        return burst with { SiloPeakMiB = silo.PeakResidentBytes() / (1024.0 * 1024) };
    }

    /// <summary>
    /// What one W1 burst measured; rates in jobs/s, CPU in ms per job (the silos', summed; NaN for Hangfire; the
    /// database server's, NaN when it runs on another machine), the server's write-ahead log in bytes per job (NaN where
    /// commits are not counted), the silo's peak resident memory in MiB (NaN unless the burst had a fresh silo of its own),
    /// and the median of the host probe's readings during the burst, in ms (<see cref="HostProbe"/>).
    /// </summary>
    private sealed record Burst(double SubmitRate, double EndToEnd, Cell Completed, double CommitsPerJob, double MachineCpuPerJob, double SiloCpuPerJob,
        double WalBytesPerJob, double ServerCpuPerJob, double OwnServerCpuPerJob, double SiloPeakMiB = double.NaN, double HostProbeMs = double.NaN);

    /// <summary>
    /// W1: bursts of no-op jobs from 8 producers, <see cref="BenchSettings.BurstRounds"/> of them back to back for a
    /// column of the table, which shows the median burst (by end-to-end rate) and lists them all; one for a burst
    /// outside the table (<paramref name="column"/> null).
    /// </summary>
    private async Task<Burst> BurstAsync(IJobSystem system, string key, string? column)
    {
        var rounds = column is null ? 1 : settings.BurstRounds;
        var bursts = new List<Burst>();
        for (var round = 1; round <= rounds; round++)
            bursts.Add(await OneBurstAsync(system, round == 1 ? key : $"{key}-{round}"));
        var median = Median(bursts);
        if (column is null) return median;

        table.Set("W1", "submit rate (jobs/s, 8 producers)", column, Cell.Of(median.SubmitRate), Better.Higher);
        table.Set("W1", EndToEnd, column, Cell.Of(median.EndToEnd), Better.Higher);
        if (bursts.Count > 1)
            table.Set("W1", EndToEndBursts, column, Cell.Note(string.Join(" / ", bursts.Select(b => b.EndToEnd.ToString("N0", CultureInfo.InvariantCulture)))));
        table.Set("W1", "completed", column, median.Completed);
        table.Set("W1", CommitsPerJob, column, Cell.Of(median.CommitsPerJob), Better.Lower);
        table.Set("W1", MachineCpuPerJob, column, Cell.Of(median.MachineCpuPerJob), Better.Lower);
        if (!double.IsNaN(median.SiloCpuPerJob)) table.Set("W1", "silo CPU per job (ms)", column, Cell.Fine(median.SiloCpuPerJob));
        table.Set("W1", ServerCpuPerJob, column, Cell.Fine(median.ServerCpuPerJob), Better.Lower);
        table.Set("W1", OwnServerCpuPerJob, column, Cell.Fine(median.OwnServerCpuPerJob), Better.Lower);
        return median;
    }

    /// <param name="external">W7: jobs of the external type, taken by the Node workers, instead of in-process no-ops.</param>
    /// <param name="countCommits">
    /// False for W1-cold: no commit count, whose reading waits for the database's statistics to settle, which would leave
    /// a fresh silo idle (compiling in the background) before its burst.
    /// </param>
    private async Task<Burst> OneBurstAsync(IJobSystem system, string key, bool external = false, bool countCommits = true)
    {
        var workload = (external ? "w7-" : "w1-") + key;
        var commitsBefore = countCommits ? await SettledCommitsAsync(system.Database) : 0;
        var walBefore = countCommits ? await databases.WalPositionAsync() : 0;
        var (machineBefore, siloBefore) = (Machine.BusyCpuSeconds(), SiloCpu(system));
        await using var server = PostgresCpu.Start(system.Database);
        using var host = HostProbe.Start();
        var started = DateTimeOffset.UtcNow;
        var submissions = await Load.BurstAsync(system, settings.BurstJobs, settings.BurstProducers, i => new JobOrder(workload, i, External: external), settings.BurstCap, cancellationToken);
        var drained = await Load.UntilDrainedAsync(system, workload, submissions, started + settings.BurstCap, cancellationToken);
        // Before the jobs are read back (OrleansJobs serves them over HTTP from its database, Hangfire's probe from this
        // process's memory: not part of running them) and before the statistics settle (the quiet wait would only add idle time).
        var machineCpu = Machine.BusyCpuSeconds() - machineBefore;
        var siloCpu = SiloCpu(system) - siloBefore;
        var serverCpu = await server.StopAsync();
        var hostMs = host.Stop();
        var wal = countCommits ? await databases.WalPositionAsync() - walBefore : -1;
        var jobs = await system.ReadAsync(workload, cancellationToken);
        var readBackCpu = Machine.BusyCpuSeconds() - machineBefore - machineCpu;
        var commits = countCommits ? await SettledCommitsAsync(system.Database) - commitsBefore : -1;

        var finished = jobs.Where(j => j.EndedAt is not null).ToList();
        var submitRate = submissions.Acked / (submissions.LastAck - submissions.FirstSent).TotalSeconds;
        var lastEnd = finished.Select(j => j.EndedAt!.Value).DefaultIfEmpty(DateTimeOffset.UtcNow).Max();
        var endToEnd = finished.Count / (lastEnd - submissions.FirstSent).TotalSeconds;
        var perJob = finished.Count == 0 ? double.NaN : 1000.0 / finished.Count;
        Progress($"{system.Name} W1 ({key}): {submissions.Acked} submitted at {submitRate:N0}/s, {finished.Count} done at {endToEnd:N0}/s, {(commits < 0 ? "no commit count" : $"{commits} commits, {wal:N0} bytes of WAL")}, " +
                 $"CPU per job: machine {machineCpu * perJob:N2} ms, silo {siloCpu?.TotalSeconds * perJob:N2} ms, database server {serverCpu?.All * perJob:N3} ms, " +
                 $"{serverCpu?.InDatabase * perJob:N3} of it in the system's own connections " +
                 $"(reading them back: {readBackCpu * perJob:N2} ms more, not counted); host probe {hostMs:N2} ms");
        return new Burst(submitRate, endToEnd, Completed(finished.Count, settings.BurstJobs, drained, lastEnd - submissions.FirstSent, submissions),
            finished.Count == 0 || commits < 0 ? double.NaN : commits / (double)finished.Count, machineCpu * perJob,
            siloCpu is { } cpu ? cpu.TotalSeconds * perJob : double.NaN, finished.Count == 0 || wal < 0 ? double.NaN : wal / (double)finished.Count,
            serverCpu is { } database ? database.All * perJob : double.NaN, serverCpu is { } own ? own.InDatabase * perJob : double.NaN, HostProbeMs: hostMs);
    }

    /// <summary>CPU the system's silo processes have used so far; null for Hangfire, which runs in this process.</summary>
    private static TimeSpan? SiloCpu(IJobSystem system) => system switch
    {
        OrleansJobsSystem silo => silo.CpuTime(),
        SiloCluster cluster => cluster.CpuTime(),
        _ => null,
    };

    /// <summary>W2: a steady rate for a while; how long each job waits to start, and whether the system keeps up.</summary>
    private async Task SteadyAsync(IJobSystem system, string key, string column)
    {
        var workload = "w2-" + key;
        var submissions = await Load.SteadyAsync(system, settings.SteadyRate, settings.SteadyDuration, i => new JobOrder(workload, i), settings.DrainCap, cancellationToken);
        var (jobs, drained) = await Load.DrainAsync(system, workload, submissions, DateTimeOffset.UtcNow + settings.DrainCap, cancellationToken);
        var waits = jobs.Where(j => j.Attempts.Count > 0).Select(j => (j.Attempts[0].StartedAt - submissions.SentAt[j.Index]).TotalMilliseconds).Order().ToArray();
        var lastSent = submissions.SentAt.Max();
        var lastStart = jobs.Where(j => j.Attempts.Count > 0).Select(j => j.Attempts[0].StartedAt).DefaultIfEmpty(DateTimeOffset.MaxValue).Max();
        var achievedRate = submissions.Acked / (lastSent - submissions.FirstSent).TotalSeconds;
        var keptUp = drained && waits.Length == submissions.Count && achievedRate >= 0.95 * settings.SteadyRate && lastStart - lastSent <= TimeSpan.FromSeconds(1);
        // Where the tail is: the submit's answer, and, on the silo's clock, from the job's creation (before it is stored)
        // to its attempt's start (which includes that write; the start often comes before the answer reaches the client).
        var responses = submissions.AnsweredMs();
        var createdToStart = jobs.Where(j => j.Attempts is [{ DueAt: not null }, ..])
            .Select(j => (j.Attempts[0].StartedAt - j.Attempts[0].DueAt!.Value).TotalMilliseconds).Order().ToArray();
        Progress($"{system.Name} W2 ({key}): {waits.Length}/{submissions.Count} started, p99 {Percentile(waits, 0.99):N1} ms " +
                 $"(submit answered: p50 {Percentile(responses, 0.50):N1}, p99 {Percentile(responses, 0.99):N1} ms; created → started: " +
                 $"p50 {Percentile(createdToStart, 0.50):N1}, p99 {Percentile(createdToStart, 0.99):N1} ms), kept up: {keptUp}");

        table.Set("W2", "submit → start p50 (ms)", column, Cell.Of(Percentile(waits, 0.50)), Better.Lower);
        table.Set("W2", "submit → start p95 (ms)", column, Cell.Of(Percentile(waits, 0.95)), Better.Lower);
        table.Set("W2", LatencyP99, column, Cell.Of(Percentile(waits, 0.99)), Better.Lower);
        table.Set("W2", KeptUp, column, Cell.Note(keptUp
            ? "yes"
            : string.Create(CultureInfo.InvariantCulture, $"no: {waits.Length:N0} of {submissions.Count:N0} started, submits at {achievedRate:N0}/s")));
    }

    /// <summary>W3: jobs delayed a few seconds; how late each starts after its due time.</summary>
    private async Task DelayedAsync(IJobSystem system, string key, string column)
    {
        var workload = "w3-" + key;
        var submissions = await Load.BurstAsync(system, settings.DelayedJobs, settings.BurstProducers,
            i => new JobOrder(workload, i, RunAt: DateTimeOffset.UtcNow + settings.Delay), settings.DrainCap, cancellationToken);
        var (jobs, drained) = await Load.DrainAsync(system, workload, submissions, DateTimeOffset.UtcNow + settings.Delay + settings.DrainCap, cancellationToken);
        var lateness = jobs.Where(j => j.Attempts is [{ DueAt: not null }, ..])
            .Select(j => (j.Attempts[0].StartedAt - j.Attempts[0].DueAt!.Value).TotalMilliseconds).Order().ToArray();
        Progress($"{system.Name} W3 ({key}): {lateness.Length}/{submissions.Count} started, lateness p99 {Percentile(lateness, 0.99):N1} ms");

        table.Set("W3", "start lateness p50 (ms)", column, Cell.Of(Percentile(lateness, 0.50)), Better.Lower);
        table.Set("W3", LatenessP99, column, Cell.Of(Percentile(lateness, 0.99)), Better.Lower);
        table.Set("W3", "started", column, Completed(lateness.Length, settings.DelayedJobs, drained, null, submissions));
    }

    /// <summary>W4: jobs that fail once and succeed on a retry 1 s later; how late the retry starts, and how long it all takes.</summary>
    private async Task RetryAsync(IJobSystem system, string key, string column)
    {
        var workload = "w4-" + key;
        var submissions = await Load.BurstAsync(system, settings.RetryJobs, settings.BurstProducers,
            i => new JobOrder(workload, i, FailFirstAttempt: true), settings.DrainCap, cancellationToken);
        var (jobs, drained) = await Load.DrainAsync(system, workload, submissions, DateTimeOffset.UtcNow + TimeSpan.FromSeconds(HangfireProbe.RetryDelaySeconds) + settings.DrainCap, cancellationToken);
        // The same rule for both systems: the retry is due one second after the first attempt ended.
        var retried = jobs.Where(j => j.Attempts is [{ EndedAt: not null }, _, ..]).ToList();
        var lateness = retried
            .Select(j => (j.Attempts[1].StartedAt - j.Attempts[0].EndedAt!.Value - TimeSpan.FromSeconds(HangfireProbe.RetryDelaySeconds)).TotalMilliseconds)
            .Order().ToArray();
        var done = retried.Where(j => j.EndedAt is not null).ToList();
        var total = done.Select(j => j.EndedAt!.Value).DefaultIfEmpty(DateTimeOffset.UtcNow).Max() - submissions.FirstSent;
        Progress($"{system.Name} W4 ({key}): {done.Count}/{submissions.Count} retried and done in {total.TotalSeconds:N1} s, retry lateness p99 {Percentile(lateness, 0.99):N1} ms");

        table.Set("W4", RetryLatenessP99, column, Cell.Of(Percentile(lateness, 0.99)), Better.Lower);
        table.Set("W4", "total time (s, first submit → last success)", column,
            done.Count == settings.RetryJobs ? Cell.Of(total.TotalSeconds) : Completed(done.Count, settings.RetryJobs, drained, total, submissions), Better.Lower);
    }

    /// <summary>W6 (OrleansJobs only): many jobs scheduled a day ahead, then the silo's resident memory once they sleep.</summary>
    private async Task IdleMemoryAsync(OrleansJobsSystem silo, bool worker)
    {
        await Task.Delay(settings.IdleSettle, cancellationToken);
        var fresh = silo.ResidentBytes();
        var runAt = DateTimeOffset.UtcNow.AddDays(1);
        var submissions = await Load.BurstAsync(silo, settings.IdleJobs, settings.IdleProducers, i => new JobOrder(worker ? "w6-ojworker" : "w6-oj", i, RunAt: runAt),
            settings.IdleCap, cancellationToken);
        // A job scheduled beyond the grain's timer horizon deactivates its grain right after it is stored; this waits for
        // the last deactivations and a collection or two.
        await Task.Delay(settings.IdleSettle, cancellationToken);
        var idle = silo.ResidentBytes();
        Progress($"OrleansJobs W6{(worker ? " (worker silo)" : "")}: {submissions.Acked} scheduled ({submissions.Errors} errors), RSS {fresh / 1048576.0:N0} → {idle / 1048576.0:N0} MiB");

        if (worker)
        {
            table.Set("W6", "worker silo (dashboard off): RSS when fresh (MiB)", ResultTable.OrleansJobs, Cell.Of(fresh / 1048576.0));
            table.Set("W6", IdleRssWorker, ResultTable.OrleansJobs, Cell.Of(idle / 1048576.0));
            return;
        }

        table.Set("W6", "silo RSS when fresh (MiB)", ResultTable.OrleansJobs, Cell.Of(fresh / 1048576.0));
        table.Set("W6", IdleRss, ResultTable.OrleansJobs, Cell.Of(idle / 1048576.0));
        table.Set("W6", "jobs scheduled a day ahead", ResultTable.OrleansJobs, submissions.Acked == settings.IdleJobs
            ? Cell.Count(submissions.Acked)
            : Cell.Note(string.Create(CultureInfo.InvariantCulture, $"{submissions.Acked:N0} of {settings.IdleJobs:N0} ({submissions.Errors:N0} errors)")));
    }

    private void SetTargets()
    {
        const string oj = ResultTable.OrleansJobs;
        bool? AtMost(double? value, double limit) => value is { } v && !double.IsNaN(v) ? v <= limit : null;
        bool? AtLeast(double? value, double limit) => value is { } v && !double.IsNaN(v) ? v >= limit : null;

        var hangfire = table.BestHangfire("W1", EndToEnd);
        table.Target("W1", EndToEnd, "≥ 8× Hangfire", hangfire is { } h ? AtLeast(table.Value("W1", EndToEnd, oj), 8 * h) : null);
        table.Target("W1", FractionOfBound, "≥ 50 %", AtLeast(table.Value("W1", FractionOfBound, oj), 50));
        table.Target("W1", CommitsPerJob, "≤ 4", AtMost(table.Value("W1", CommitsPerJob, oj), 4));
        table.Target("W1", TelemetryCost, "≤ 10 %", AtMost(table.Value("W1", TelemetryCost, oj), 10));
        table.Target("W2", LatencyP99, "≤ 20 ms", AtMost(table.Value("W2", LatencyP99, oj), 20));
        table.Target("W2", KeptUp, "yes", table.Text("W2", KeptUp, oj) is { } text ? text == "yes" : null);
        table.Target("W3", LatenessP99, "≤ 1,000 ms", AtMost(table.Value("W3", LatenessP99, oj), 1000));
        table.Target("W4", RetryLatenessP99, "≤ 1,500 ms", AtMost(table.Value("W4", RetryLatenessP99, oj), 1500));
        table.Target("W5", ResponseP99, "≤ 20 ms", AtMost(table.Value("W5", ResponseP99, oj), 20));
        table.Target("W5", ResponseErrors, "0", AtMost(table.Value("W5", ResponseErrors, oj), 0));
        table.Target("W6", IdleRss, "≤ 200 MiB", AtMost(table.Value("W6", IdleRss, oj), 200));
        table.Target("W6", IdleRssWorker, "≤ 200 MiB", AtMost(table.Value("W6", IdleRssWorker, oj), 200));
        table.Target("W1", FractionOfBoundWorker, "≥ 50 %", AtLeast(table.Value("W1", FractionOfBoundWorker, oj), 50));
        table.Target("W1", EndToEndWorker, "≥ 8× Hangfire", hangfire is { } hw ? AtLeast(table.Value("W1", EndToEndWorker, oj), 8 * hw) : null);
    }

    private async Task<long> SettledCommitsAsync(string database)
    {
        await Task.Delay(settings.StatsSettle, cancellationToken);
        return await databases.CommitsAsync(database);
    }

    private static Cell Completed(int done, int expected, bool drained, TimeSpan? elapsed, Submissions submissions)
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"{done:N0} of {expected:N0}");
        if (elapsed is { } e) text += string.Create(CultureInfo.InvariantCulture, $" in {e.TotalSeconds:N1} s");
        if (!drained) text += " (time cap reached)";
        if (submissions.Errors > 0) text += string.Create(CultureInfo.InvariantCulture, $"; {submissions.Errors:N0} submit errors: {submissions.FirstError}");
        return Cell.Note(text);
    }

    /// <summary>The burst in the middle by end-to-end rate (the lower middle of an even count).</summary>
    private static Burst Median(IReadOnlyList<Burst> bursts) => bursts.OrderBy(b => b.EndToEnd).ElementAt((bursts.Count - 1) / 2);

    /// <summary>The median of readings, the mean of the middle two for an even count; NaN for none.</summary>
    internal static double MedianOf(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>Figures of several readings in one cell, in the order they were taken.</summary>
    private static string Each(IEnumerable<double> values) => string.Join(" / ", values.Select(Cell.Format));

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static void Progress(string message) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {message}");
}

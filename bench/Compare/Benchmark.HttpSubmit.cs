using System.Globalization;

namespace OrleansJobs.Bench.Compare;

public sealed partial class Benchmark
{
    /// <summary>
    /// What one W5 measurement saw: the answered submits' response times (ms, fastest first), those not answered, the
    /// same for its lead-in, the silo's metrics around the measured seconds and its CPU time per request over them.
    /// </summary>
    private sealed record HttpReading(double[] Times, int Errors, double[] LeadInTimes, int LeadInErrors, TimeSpan LeadInLength,
        PrometheusScrape Before, PrometheusScrape After, double SiloCpuPerRequest, int Count);

    /// <summary>
    /// W5 (OrleansJobs only): HTTP submits at a steady rate; the API's response time and errors, in
    /// <see cref="BenchSettings.HttpRuns"/> runs back to back on the same silo, each with its lead-in. The target holds
    /// only if every run meets it, so the table's p99 is the worst run's, its errors those of all runs, and the figures
    /// from inside the silo are the worst run's.
    /// </summary>
    private async Task HttpSubmitAsync(OrleansJobsSystem system)
    {
        var readings = new List<HttpReading>();
        for (var run = 1; run <= settings.HttpRuns; run++)
            readings.Add(await MeasureHttpAsync(system, run == 1 ? "w5-oj" : $"w5-oj-{run}", $"OrleansJobs W5 (run {run} of {settings.HttpRuns})"));
        var reading = readings.MaxBy(r => Percentile(r.Times, 0.99))!;
        var (times, leadInTimes, leadInLength) = (reading.Times, reading.LeadInTimes, reading.LeadInLength);
        var (before, after) = (reading.Before, reading.After);
        table.Set("W5", string.Create(CultureInfo.InvariantCulture, $"HTTP submit response p50 (ms) at {settings.HttpRate:N0}/s"), ResultTable.OrleansJobs, Cell.Of(Percentile(times, 0.50)));
        table.Set("W5", ResponseP99, ResultTable.OrleansJobs, Cell.Of(Percentile(times, 0.99)));
        table.Set("W5", ResponseErrors, ResultTable.OrleansJobs, Cell.Count(readings.Sum(r => r.Errors)));
        table.Set("W5", "HTTP submit response p99 of each run (ms)", ResultTable.OrleansJobs, Cell.Note(Each(readings.Select(r => Percentile(r.Times, 0.99)))));
        table.Set("W5", "silo CPU per request of each run (ms; the process's CPU time over the measured seconds)", ResultTable.OrleansJobs,
            Cell.Note(Each(readings.Select(r => r.SiloCpuPerRequest))));
        table.Set("W5", string.Create(CultureInfo.InvariantCulture, $"lead-in, not in the figures above: response p99 (ms) over its {leadInLength.TotalSeconds:0.#} s"),
            ResultTable.OrleansJobs, Cell.Of(Percentile(leadInTimes, 0.99)));
        table.Set("W5", "lead-in errors", ResultTable.OrleansJobs, Cell.Count(readings.Sum(r => r.LeadInErrors)));

        // Where a slow answer spent its time, from the silo's own histograms over the same seconds (p99 interpolated in
        // its bucket): inside the silo's request pipeline, waiting for the store's write, or in the database's commit.
        // An answer slow at the driver but not in the silo waited outside it (the driver, the kernel, a starved core).
        var server = PrometheusScrape.Quantile(before, after, "http_server_request_duration_seconds", 0.99,
            labels => labels.GetValueOrDefault("http_request_method") == "POST" && labels.GetValueOrDefault("http_route", "").TrimEnd('/').EndsWith("api/jobs", StringComparison.Ordinal));
        var write = PrometheusScrape.Quantile(before, after, "orleansjobs_store_write_duration_seconds", 0.99, _ => true);
        var commit = PrometheusScrape.Quantile(before, after, "orleansjobs_store_commit_duration_seconds", 0.99, _ => true);
        var slowestCommit = PrometheusScrape.Max(before, after, "orleansjobs_store_commit_duration_seconds", _ => true);
        var gcPause = PrometheusScrape.Delta(before, after, "dotnet_gc_pause_time_seconds_total", _ => true) * 1000;
        string Collections(string generation) => PrometheusScrape.Delta(before, after, "dotnet_gc_collections_total",
            labels => labels.GetValueOrDefault("gc_heap_generation") == generation).ToString("N0", CultureInfo.InvariantCulture);
        var collections = $"{Collections("gen0")} / {Collections("gen1")} / {Collections("gen2")}";
        var cpuPerJob = PrometheusScrape.Delta(before, after, "dotnet_process_cpu_time_seconds_total", _ => true) * 1000 / reading.Count;
        var jitMethods = PrometheusScrape.Delta(before, after, "dotnet_jit_compiled_methods_total", _ => true);
        var jitTime = PrometheusScrape.Delta(before, after, "dotnet_jit_compilation_time_seconds_total", _ => true) * 1000;
        Progress($"OrleansJobs W5 in the silo: request p99 {server.Value * 1000:N1} ms ({server.Count:N0}), store write p99 {write.Value * 1000:N1} ms ({write.Count:N0}), " +
                 $"commit p99 {commit.Value * 1000:N1} ms ({commit.Count:N0} batches; slowest ≤ {slowestCommit * 1000:N0} ms), GC paused {gcPause:N0} ms in {collections} collections (gen0/1/2), " +
                 $"CPU {cpuPerJob:N2} ms a job, JIT {jitMethods:N0} methods in {jitTime:N0} ms");
        table.Set("W5", "in the silo: request p99 (ms; its http.server.request.duration)", ResultTable.OrleansJobs, Cell.Of(server.Value * 1000));
        table.Set("W5", "in the silo: store write p99 (ms; queued → committed)", ResultTable.OrleansJobs, Cell.Of(write.Value * 1000));
        table.Set("W5", "in the silo: store commit p99 (ms; one batch)", ResultTable.OrleansJobs, Cell.Of(commit.Value * 1000));
        table.Set("W5", "in the silo: slowest store commit (ms; its bucket's upper bound)", ResultTable.OrleansJobs, Cell.Of(slowestCommit * 1000));
        table.Set("W5", "in the silo: GC pauses (ms, all of them)", ResultTable.OrleansJobs, Cell.Of(gcPause));
        table.Set("W5", "in the silo: CPU per job (ms)", ResultTable.OrleansJobs, Cell.Of(cpuPerJob));
        table.Set("W5", "in the silo: methods compiled by the JIT during W5", ResultTable.OrleansJobs, Cell.Of(jitMethods));
        table.Set("W5", "in the silo: GC collections (gen0 / gen1 / gen2)", ResultTable.OrleansJobs, Cell.Note(collections));
    }


    /// <summary>
    /// One W5 measurement on <paramref name="system"/>: the lead-in (at least until the silo is
    /// <see cref="BenchSettings.HttpMinSiloAge"/> old), then the measured seconds, at <see cref="BenchSettings.HttpRate"/>.
    /// </summary>
    private async Task<HttpReading> MeasureHttpAsync(OrleansJobsSystem system, string workload, string label)
    {
        var leadInLength = settings.HttpMinSiloAge - system.Age > settings.HttpLeadIn ? settings.HttpMinSiloAge - system.Age : settings.HttpLeadIn;
        var leadIn = await Load.SteadyAsync(system, settings.HttpRate, leadInLength, i => new JobOrder($"{workload}-lead-in", i), settings.DrainCap, cancellationToken);
        var leadInTimes = leadIn.AnsweredMs();
        var leadInErrors = leadIn.Unanswered;
        Progress($"{label} lead-in (not counted): {leadInTimes.Length}/{leadIn.Count} answered in {leadInLength.TotalSeconds:N1} s, " +
                 $"p99 {Percentile(leadInTimes, 0.99):N1} ms, {leadInErrors} errors {leadIn.FirstError}");
        var before = await system.ScrapeAsync(cancellationToken);
        var cpuBefore = system.CpuTime();
        var submissions = await Load.SteadyAsync(system, settings.HttpRate, settings.HttpDuration, i => new JobOrder(workload, i), settings.DrainCap, cancellationToken);
        var cpu = system.CpuTime() - cpuBefore;
        var after = await system.ScrapeAsync(cancellationToken);
        // The tail's shape: a stall shows as one or two slow seconds, queueing as a high p99 throughout.
        var perSecond = submissions.ResponseMs.Select((ms, i) => (Second: i / settings.HttpRate, ms)).Where(r => !double.IsNaN(r.ms))
            .GroupBy(r => r.Second).OrderBy(g => g.Key).Select(g => Percentile(g.Select(r => r.ms).Order().ToArray(), 0.99).ToString("N0", CultureInfo.InvariantCulture));
        Progress($"{label} p99 (ms) of each second: {string.Join(" ", perSecond)}");
        var first = submissions.FirstSent;
        var slowest = submissions.ResponseMs.Select((ms, i) => (ms, At: (submissions.SentAt[i] - first).TotalSeconds)).Where(r => !double.IsNaN(r.ms))
            .OrderByDescending(r => r.ms).Take(8).OrderBy(r => r.At).Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.ms:N0} ms at {r.At:N3} s"));
        Progress($"{label} slowest answers, by when they were sent: {string.Join(", ", slowest)}");
        var times = submissions.AnsweredMs();
        Progress($"{label}: {times.Length}/{submissions.Count} answered, p99 {Percentile(times, 0.99):N1} ms, {submissions.Unanswered} errors {submissions.FirstError}, silo CPU {cpu.TotalMilliseconds / submissions.Count:N2} ms a request");

        return new HttpReading(times, submissions.Unanswered, leadInTimes, leadInErrors, leadInLength, before, after, cpu.TotalMilliseconds / submissions.Count, submissions.Count);
    }
}

namespace OrleansJobs.Bench.Compare;

public sealed partial class Benchmark
{
    private const string EndToEndTelemetryOff = "end-to-end, telemetry off (jobs/s; best of the off silos)";
    private const string TelemetryCost = "telemetry cost (% of end-to-end throughput)";
    private const string TelemetryCpuCost = "telemetry cost (% more silo CPU per job, least of each)";
    private const string TelemetryOnBest = "end-to-end, telemetry on (jobs/s; best of the on silos, W1's the first)";

    /// <summary>The parts of telemetry that turn off on their own (<c>OrleansJobs:Telemetry:{Setting}=false</c>), each measured alone.</summary>
    private static readonly (string Name, string Setting)[] TelemetryParts =
    [
        ("spans", "Traces"),
        ("OrleansJobs' job metrics", "JobMetrics"),
        ("the job store's histograms", "StoreMetrics"),
        ("Orleans, ASP.NET Core, Npgsql and runtime meters", "PlatformMetrics"),
    ];

    /// <summary>
    /// Telemetry's cost (issue 8), in all and by part (issue 23): the W1 burst on fresh silos with tracing and metrics off,
    /// then with each part off alone, then with it all on, <see cref="BenchSettings.TelemetryRounds"/> times over (W1's
    /// own silo, when it ran, is the first "on"). Costs compare the best burst of each kind, in end-to-end rate, and the
    /// least silo CPU per job: this machine's noise (other tenants: the same build's burst has ranged from 726 to 1,105
    /// jobs/s) only ever slows a burst down, by more than the cost itself, so one pair, or a mean, says more about the
    /// noise than about telemetry. A part's cost is what the silo saves with that part alone off.
    /// </summary>
    private async Task TelemetryCostAsync(Burst? w1)
    {
        const string oj = ResultTable.OrleansJobs;
        var on = w1 is null ? new List<Burst>() : [w1];
        var off = new List<Burst>();
        var partOff = TelemetryParts.ToDictionary(part => part.Setting, _ => new List<Burst>());
        for (var round = 1; round <= settings.TelemetryRounds; round++)
        {
            off.Add(await BurstOnFreshSiloAsync($"ojoff{round}", telemetry: false));
            foreach (var (_, setting) in TelemetryParts)
            {
                var environment = new Dictionary<string, string>(settings.SiloEnvironment) { [$"OrleansJobs__Telemetry__{setting}"] = "false" };
                partOff[setting].Add(await BurstOnFreshSiloAsync($"oj{setting.ToLowerInvariant()}off{round}", telemetry: true, environment));
            }
            if (on.Count < settings.TelemetryRounds) on.Add(await BurstOnFreshSiloAsync($"ojon{round}", telemetry: true));
        }

        var (onRate, offRate) = (on.Max(r => r.EndToEnd), off.Max(r => r.EndToEnd));
        var (onCpu, offCpu) = (on.Min(r => r.SiloCpuPerJob), off.Min(r => r.SiloCpuPerJob));
        Progress($"telemetry on: {Readings(on)}; off: {Readings(off)}; " +
                 string.Join("; ", TelemetryParts.Select(part => $"{part.Setting} off: {Readings(partOff[part.Setting])}")));
        table.Set("W1", TelemetryOnBest, oj, Cell.Of(onRate));
        table.Set("W1", EndToEndTelemetryOff, oj, Cell.Of(offRate));
        table.Set("W1", TelemetryCost, oj, Cell.Of(100 * (offRate - onRate) / offRate));
        table.Set("W1", TelemetryCpuCost, oj, Cell.Of(100 * (onCpu - offCpu) / offCpu));
        foreach (var (name, setting) in TelemetryParts)
        {
            var (rate, cpu) = (partOff[setting].Max(r => r.EndToEnd), partOff[setting].Min(r => r.SiloCpuPerJob));
            table.Set("W1", $"telemetry cost of {name} alone (% of end-to-end / % more silo CPU per job; :{setting}=false)", oj,
                Cell.Note($"{Cell.Format(100 * (rate - onRate) / rate)} % / {Cell.Format(100 * (onCpu - cpu) / cpu)} %"));
        }
    }

    /// <summary>Bursts as "rate/s CPU ms" (and "peak MiB" where known), for the progress log and the notes of alternated comparisons.</summary>
    private static string Readings(IEnumerable<Burst> bursts) => string.Join(", ", bursts.Select(b =>
        $"{b.EndToEnd:N0}/s {b.SiloCpuPerJob:N2} ms" + (double.IsNaN(b.SiloPeakMiB) ? "" : $" {b.SiloPeakMiB:N0} MiB")));
}

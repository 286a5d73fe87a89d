namespace OrleansJobs.Bench.Compare;

public sealed partial class Benchmark
{
    private const string EndToEndTelemetryOff = "end-to-end, telemetry off (jobs/s; best of the off silos)";
    private const string TelemetryCost = "telemetry cost (% of end-to-end throughput)";
    private const string TelemetryCpuCost = "telemetry cost (% more silo CPU per job, least of each)";
    private const string TelemetryOnBest = "end-to-end, telemetry on (jobs/s; best of the on silos)";
    private const string TelemetryProbeCost = "telemetry cost at the same host probe reading, in all and by part (% more silo CPU per job ± one standard error; every burst fitted on the probe and its kind)";
    private const string TelemetryRoundCost = "telemetry cost, median of the rounds' own (% of end-to-end / % more silo CPU per job; each round's on silo against its off one)";

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
    /// with each part off alone, and with it all on, <see cref="BenchSettings.TelemetryRounds"/> times over, in an order
    /// that runs forward and backward by turns (<see cref="Alternation"/>). Three readings of each cost. The table's rule
    /// compares the best burst of each kind, in end-to-end rate, and the least silo CPU per job: this machine's noise
    /// (other tenants: the same build's burst has ranged from 726 to 1,105 jobs/s) only ever slows a burst down, by more
    /// than the cost itself, so one pair, or a mean, says more about the noise than about telemetry. But the best of a few
    /// is one burst, and one lucky burst on either side decides it; so each round's own cost (its "on" silo against its
    /// "off" one, run minutes apart) is taken too, with the median of those, and every burst's CPU per job is fitted on
    /// the host probe's reading during it (<see cref="ProbeFit"/>), which gives each kind's cost at the same reading with
    /// its standard error. A part's cost is what the silo saves with that part alone off.
    /// </summary>
    private async Task TelemetryCostAsync()
    {
        const string oj = ResultTable.OrleansJobs;
        var kinds = new List<(string Key, bool Telemetry, string? Setting, List<Burst> Bursts)> { ("ojoff", false, null, []) };
        kinds.AddRange(TelemetryParts.Select(part => ($"oj{part.Setting.ToLowerInvariant()}off", true, (string?)part.Setting, new List<Burst>())));
        kinds.Add(("ojon", true, null, []));
        for (var round = 1; round <= settings.TelemetryRounds; round++)
        foreach (var side in Alternation.Order(kinds.Count, round))
        {
            var (key, telemetry, setting, bursts) = kinds[side];
            var environment = new Dictionary<string, string>(settings.SiloEnvironment);
            if (setting is not null) environment[$"OrleansJobs__Telemetry__{setting}"] = "false";
            bursts.Add(await BurstOnFreshSiloAsync($"{key}{round}", telemetry, environment));
        }

        var (off, on) = (kinds[0].Bursts, kinds[^1].Bursts);
        var (onRate, offRate) = (on.Max(r => r.EndToEnd), off.Max(r => r.EndToEnd));
        var (onCpu, offCpu) = (on.Min(r => r.SiloCpuPerJob), off.Min(r => r.SiloCpuPerJob));
        Progress($"telemetry on: {Readings(on)}; off: {Readings(off)}; " +
                 string.Join("; ", kinds.Where(kind => kind.Setting is not null).Select(kind => $"{kind.Setting} off: {Readings(kind.Bursts)}")));
        table.Set("W1", TelemetryOnBest, oj, Cell.Of(onRate));
        table.Set("W1", EndToEndTelemetryOff, oj, Cell.Of(offRate));
        table.Set("W1", TelemetryCost, oj, Cell.Of(100 * (offRate - onRate) / offRate));
        table.Set("W1", TelemetryCpuCost, oj, Cell.Of(100 * (onCpu - offCpu) / offCpu));
        table.Set("W1", TelemetryRoundCost, oj, Cell.Note(RoundCosts(off, on)));
        table.Set("W1", TelemetryProbeCost, oj, Cell.Note(ProbeCosts(kinds.Select(kind => (kind.Setting ?? (kind.Telemetry ? "on" : "in all"), kind.Bursts)).ToList())));
        foreach (var (name, setting) in TelemetryParts)
        {
            var partOff = kinds.Single(kind => kind.Setting == setting).Bursts;
            var (rate, cpu) = (partOff.Max(r => r.EndToEnd), partOff.Min(r => r.SiloCpuPerJob));
            table.Set("W1", $"telemetry cost of {name} alone (% of end-to-end / % more silo CPU per job; :{setting}=false; best of each, then the median round's)", oj,
                Cell.Note($"{Cell.Format(100 * (rate - onRate) / rate)} % / {Cell.Format(100 * (onCpu - cpu) / cpu)} %; {RoundCosts(partOff, on)}"));
        }
    }

    /// <summary>
    /// What the silo with it all on spends over each other kind, at the same host probe reading (<see cref="ProbeFit"/>):
    /// "name x % ± y %" for each, the kind named "on" the reference; "n/a" when the bursts are too few to fit.
    /// </summary>
    private static string ProbeCosts(List<(string Name, List<Burst> Bursts)> kinds)
    {
        var reference = kinds.FindIndex(kind => kind.Name == "on");
        var order = kinds.Select((_, i) => i).OrderBy(i => i != reference).ToList(); // the reference is kind 0 of the fit
        var fit = ProbeFit.Of(order.SelectMany((k, fitKind) => kinds[k].Bursts.Select(b => (fitKind, b.HostProbeMs, b.SiloCpuPerJob))).ToList(), kinds.Count);
        if (fit is null) return "n/a (too few bursts, or the probe never moved)";
        return string.Join("; ", order.Skip(1).Select((k, i) =>
        {
            var (percent, error) = fit.CostOver(i + 1);
            return $"{kinds[k].Name} {Cell.Format(percent)} % ± {Cell.Format(error)} %";
        }));
    }

    /// <summary>
    /// The median of each round's own cost, "rate % / CPU %", then each round's: what the silo with telemetry (or a part of
    /// it) off in a round ran faster, and spent less CPU a job, than that round's silo with it all on.
    /// </summary>
    private static string RoundCosts(IReadOnlyList<Burst> off, IReadOnlyList<Burst> on)
    {
        var rounds = off.Zip(on, (o, n) => (Rate: 100 * (o.EndToEnd - n.EndToEnd) / o.EndToEnd, Cpu: 100 * (n.SiloCpuPerJob - o.SiloCpuPerJob) / o.SiloCpuPerJob)).ToList();
        return $"{Cell.Format(MedianOf(rounds.Select(r => r.Rate)))} % / {Cell.Format(MedianOf(rounds.Select(r => r.Cpu)))} % " +
               $"(rounds: {string.Join(", ", rounds.Select(r => $"{Cell.Format(r.Rate)} / {Cell.Format(r.Cpu)}"))})";
    }

    /// <summary>Bursts as "rate/s CPU ms" (and "peak MiB" where known), for the progress log and the notes of alternated comparisons.</summary>
    private static string Readings(IEnumerable<Burst> bursts) => string.Join(", ", bursts.Select(b =>
        $"{b.EndToEnd:N0}/s {b.SiloCpuPerJob:N2} ms" + (double.IsNaN(b.SiloPeakMiB) ? "" : $" {b.SiloPeakMiB:N0} MiB")));
}

namespace OrleansJobs.Bench.Compare;

public sealed partial class Benchmark
{
    /// <summary>
    /// <c>--try</c>: each tried silo setting beside the run's own, W1's burst on fresh silos, one of each side a round, in
    /// an order that runs forward and backward by turns (<see cref="Alternation"/>). As with telemetry's cost, each side's best rate and least silo CPU per job are
    /// compared: a noisy host only ever slows a burst down, so the least CPU a job is the one nearest the setting's own.
    /// Beside them, the highest of each side's peak resident memory (a setting of the GC trades one for the other).
    /// </summary>
    private async Task TrialsAsync()
    {
        const string oj = ResultTable.OrleansJobs;
        var reference = new List<Burst>();
        var tried = settings.Trials.ToDictionary(trial => trial, _ => new List<Burst>());
        var sides = settings.Trials.Count + 1; // the run's own is side 0
        for (var round = 1; round <= settings.TrialRounds; round++)
        foreach (var side in Alternation.Order(sides, round))
        {
            if (side == 0)
            {
                reference.Add(await BurstOnFreshSiloAsync($"ojtryref{round}", telemetry: true));
                continue;
            }
            var (name, value) = settings.Trials[side - 1];
            var environment = new Dictionary<string, string>(settings.SiloEnvironment) { [name] = value };
            tried[settings.Trials[side - 1]].Add(await BurstOnFreshSiloAsync($"ojtry{side}r{round}", telemetry: true, environment));
        }

        var (referenceRate, referenceCpu, referencePeak) = (reference.Max(b => b.EndToEnd), reference.Min(b => b.SiloCpuPerJob), reference.Max(b => b.SiloPeakMiB));
        table.Set("Try", "the run's own silos: best end-to-end (jobs/s) / least silo CPU per job (ms) / highest peak RSS (MiB); each round", oj,
            Cell.Note($"{referenceRate:N0} / {referenceCpu:N2} / {referencePeak:N0}; {Readings(reference)}"));
        foreach (var (trial, bursts) in tried)
        {
            var (rate, cpu, peak) = (bursts.Max(b => b.EndToEnd), bursts.Min(b => b.SiloCpuPerJob), bursts.Max(b => b.SiloPeakMiB));
            table.Set("Try", $"{trial.Key}={trial.Value}: best end-to-end / least silo CPU per job / highest peak RSS (change from the run's own); each round", oj,
                Cell.Note($"{rate:N0} ({Percent(rate, referenceRate)}) / {cpu:N2} ({Percent(cpu, referenceCpu)}) / {peak:N0} ({Percent(peak, referencePeak)}); {Readings(bursts)}"));
        }
        Progress($"the run's own silos: {Readings(reference)}; " + string.Join("; ", tried.Select(t => $"{t.Key.Key}={t.Key.Value}: {Readings(t.Value)}")));

        static string Percent(double value, double reference) => $"{100 * (value - reference) / reference:+0.0;-0.0;0.0} %";
    }
}

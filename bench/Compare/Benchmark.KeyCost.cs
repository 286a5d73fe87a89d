using System.Globalization;
using System.Security.Cryptography;

namespace OrleansJobs.Bench.Compare;

public sealed partial class Benchmark
{
    private const string KeyCostP99 = "key checking cost (% of the p99; best of each)";

    /// <summary>
    /// W5k (issue 20): W5 on a silo without API keys and on one with a key configured, whose every request carries it,
    /// in alternation (without, with, then with, without: <see cref="Alternation"/>) on the same two warm silos. Both
    /// are started and warmed up before either is measured, and both have reached W5's minimum age, so neither is
    /// measured younger than the other. The cost compares the best reading of each kind, as telemetry's does: this
    /// machine's noise only ever slows a reading down.
    /// </summary>
    private async Task KeyCostAsync()
    {
        var connection = databases.ConnectionString(databases.OrleansJobs);
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        await using var open = await OrleansJobsSystem.StartAsync(ResultTable.OrleansJobs, databases.OrleansJobs, connection, telemetry: true, settings.SiloEnvironment, cancellationToken);
        await using var keyed = await OrleansJobsSystem.StartAsync(ResultTable.OrleansJobs, databases.OrleansJobs, connection, telemetry: true, settings.SiloEnvironment,
            cancellationToken, apiKey: secret);
        await WarmUpAsync(open, "w5k-open", settings.WarmUpJobs);
        await WarmUpAsync(keyed, "w5k-keyed", settings.WarmUpJobs);
        // The younger silo's lead-in is then the usual length, and the older one is no younger than it.
        var untilOldEnough = settings.HttpMinSiloAge - keyed.Age - settings.HttpLeadIn;
        if (untilOldEnough > TimeSpan.Zero) await Task.Delay(untilOldEnough, cancellationToken);

        var (without, with) = (new List<HttpReading>(), new List<HttpReading>());
        for (var round = 1; round <= settings.KeyRounds; round++)
        foreach (var side in Alternation.Order(2, round))
        {
            if (side == 0) without.Add(await MeasureHttpAsync(open, $"w5k-open-{round}", $"OrleansJobs W5k without keys ({round})"));
            else with.Add(await MeasureHttpAsync(keyed, $"w5k-keyed-{round}", $"OrleansJobs W5k with a key ({round})"));
        }

        static double P99(HttpReading r) => Percentile(r.Times, 0.99);
        var (bestWithout, bestWith) = (without.Min(P99), with.Min(P99));
        var (cpuWithout, cpuWith) = (without.Min(r => r.SiloCpuPerRequest), with.Min(r => r.SiloCpuPerRequest));
        Progress($"OrleansJobs W5k p99 without keys: {Each(without.Select(P99))} ms; with a key: {Each(with.Select(P99))} ms; " +
                 $"silo CPU per request without: {Each(without.Select(r => r.SiloCpuPerRequest))} ms; with: {Each(with.Select(r => r.SiloCpuPerRequest))} ms");

        const string oj = ResultTable.OrleansJobs;
        var rate = settings.HttpRate.ToString("N0", CultureInfo.InvariantCulture);
        table.Set("W5k", $"HTTP submit response p99 without keys (ms; each reading, {rate}/s)", oj, Cell.Note(Each(without.Select(P99))));
        table.Set("W5k", "HTTP submit response p99 with a key (ms; each reading)", oj, Cell.Note(Each(with.Select(P99))));
        table.Set("W5k", "HTTP submit response p99 without keys (ms; best reading)", oj, Cell.Of(bestWithout));
        table.Set("W5k", "HTTP submit response p99 with a key (ms; best reading)", oj, Cell.Of(bestWith));
        table.Set("W5k", KeyCostP99, oj, Cell.Of(100 * (bestWith - bestWithout) / bestWithout));
        table.Set("W5k", "silo CPU per request without keys (ms; each reading)", oj, Cell.Note(Each(without.Select(r => r.SiloCpuPerRequest))));
        table.Set("W5k", "silo CPU per request with a key (ms; each reading)", oj, Cell.Note(Each(with.Select(r => r.SiloCpuPerRequest))));
        table.Set("W5k", "key checking cost (% more silo CPU per request, least of each)", oj, Cell.Of(100 * (cpuWith - cpuWithout) / cpuWithout));
        table.Set("W5k", "errors (without keys / with a key)", oj, Cell.Note($"{without.Sum(r => r.Errors)} / {with.Sum(r => r.Errors)}"));
        var cost = table.Value("W5k", KeyCostP99, oj);
        table.Target("W5k", KeyCostP99, "≤ 5 %", cost is { } c && !double.IsNaN(c) ? c <= 5 : null);
    }
}

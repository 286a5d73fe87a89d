using System.Diagnostics;
using System.Globalization;

namespace OrleansJobs.Bench.Compare;

public sealed partial class Benchmark
{
    private const string ColdShare = "cold burst as % of the warm JIT silo's (best of each)";

    /// <summary>
    /// W1-cold (issue 23): W1's burst against a silo started for it, from the moment it answers ready, with no warm-up;
    /// then, on the same silo, the usual warm-up and the burst again, for the warm rate of the same run. Each start-up
    /// option in turn, forward and backward by rounds (<see cref="Alternation"/>): the build as it is (the JIT compiles
    /// every method on first call), the ReadyToRun image <c>dotnet publish</c> makes for a runtime identifier, and
    /// runtime settings of tiered compilation: tiered PGO off (its instrumented tier costs a fresh process CPU while it
    /// learns), call counting from the start (by default the runtime waits for a quiet 100 ms without new methods
    /// before it counts calls towards the optimised tier, which a burst on a fresh process does not give it), and
    /// tiered compilation off (every method optimised on its first call); and the silo's own start-up warm-up
    /// (<c>OrleansJobs:WarmUp:Jobs</c>: no-op jobs through its API, twice, before it reports ready), on the build and
    /// on the ReadyToRun image.
    /// </summary>
    private async Task ColdStartAsync()
    {
        var readyToRun = await SiloPublish.ReadyToRunAsync(ownAssembliesOnly: settings.Smoke, cancellationToken);
        Dictionary<string, string> Runtime(params (string Name, string Value)[] pairs) => pairs.ToDictionary(p => p.Name, p => p.Value);
        var options = new StartOption[]
        {
            new("JIT (the build)", null, Runtime()),
            new("JIT, tiered PGO off", null, Runtime(("DOTNET_TieredPGO", "0"))),
            new("JIT, call counting at once", null, Runtime(("DOTNET_TC_CallCountingDelayMs", "0"))),
            new("JIT, call counting at once, tiered PGO off", null, Runtime(("DOTNET_TC_CallCountingDelayMs", "0"), ("DOTNET_TieredPGO", "0"))),
            new("JIT, tiered compilation off", null, Runtime(("DOTNET_TieredCompilation", "0"))),
            new("ReadyToRun (published)", readyToRun, Runtime()),
            new("ReadyToRun, call counting at once, tiered PGO off", readyToRun, Runtime(("DOTNET_TC_CallCountingDelayMs", "0"), ("DOTNET_TieredPGO", "0"))),
            new($"JIT, start-up warm-up ({WarmUpJobs(1_000)} jobs, 2 rounds)", null, Runtime(("OrleansJobs__WarmUp__Jobs", WarmUpJobs(1_000)))),
            new($"JIT, start-up warm-up ({WarmUpJobs(3_000)} jobs, 2 rounds)", null, Runtime(("OrleansJobs__WarmUp__Jobs", WarmUpJobs(3_000)))),
            new($"ReadyToRun, start-up warm-up ({WarmUpJobs(1_000)} jobs, 2 rounds)", readyToRun, Runtime(("OrleansJobs__WarmUp__Jobs", WarmUpJobs(1_000)))),
        };
        options = [options[0], .. options.Skip(1).Where(o => settings.ColdOptions.Count == 0
            || settings.ColdOptions.Any(text => o.Name.Contains(text, StringComparison.OrdinalIgnoreCase)))];

        // The driver's own code (HTTP client, load shapes) is compiled on a silo it then stops, so that the first cold
        // silo does not share the machine with a cold driver.
        await using (var driverWarmUp = await StartSiloAsync(options[0]))
            await WarmUpAsync(driverWarmUp, "coldprep", settings.WarmUpJobs);

        var results = options.ToDictionary(o => o, _ => new List<ColdRun>());
        for (var round = 1; round <= settings.ColdRounds; round++)
        {
            foreach (var i in Alternation.Order(options.Length, round))
            {
                var option = options[i];
                var clock = Stopwatch.StartNew();
                await using var silo = await StartSiloAsync(option);
                var ready = clock.Elapsed;
                var cold = await OneBurstAsync(silo, $"cold{i}-{round}", countCommits: false);
                await WarmUpAsync(silo, $"cold{i}warm-{round}", settings.WarmUpJobs);
                var warm = await OneBurstAsync(silo, $"cold{i}hot-{round}", countCommits: false);
                Progress($"W1-cold {option.Name}, round {round}: ready in {ready.TotalSeconds:N1} s, cold {cold.EndToEnd:N0}/s " +
                         $"({cold.SiloCpuPerJob:N2} ms silo CPU a job), warm {warm.EndToEnd:N0}/s ({warm.SiloCpuPerJob:N2} ms)");
                results[option].Add(new ColdRun(ready, cold, warm));
            }
        }

        const string oj = ResultTable.OrleansJobs;
        var reference = results[options[0]].Max(r => r.Warm.EndToEnd);
        table.Set("W1-cold", "warm burst, JIT (jobs/s; best of the rounds): the reference", oj, Cell.Of(reference));
        foreach (var option in options)
        {
            var runs = results[option];
            var bestCold = runs.Max(r => r.Cold.EndToEnd);
            table.Set("W1-cold", $"{option.Name}: cold burst (jobs/s; each round)", oj, Cell.Note(Each(runs.Select(r => r.Cold.EndToEnd))));
            table.Set("W1-cold", $"{option.Name}: warm burst (jobs/s; each round)", oj, Cell.Note(Each(runs.Select(r => r.Warm.EndToEnd))));
            table.Set("W1-cold", $"{option.Name}: {ColdShare}", oj, Cell.Of(100 * bestCold / reference));
            table.Set("W1-cold", $"{option.Name}: silo CPU per job, cold / warm (ms; least of each)", oj,
                Cell.Note($"{Cell.Format(runs.Min(r => r.Cold.SiloCpuPerJob))} / {Cell.Format(runs.Min(r => r.Warm.SiloCpuPerJob))}"));
            table.Set("W1-cold", $"{option.Name}: start → ready (s; each round)", oj,
                Cell.Note(string.Join(" / ", runs.Select(r => r.Ready.TotalSeconds.ToString("N1", CultureInfo.InvariantCulture)))));
            table.Target("W1-cold", $"{option.Name}: {ColdShare}", "≥ 80 %", 100 * bestCold / reference >= 80);
        }
    }

    // The silo's own warm-up (OrleansJobs:WarmUp:Jobs, two rounds by default): a tenth of it in the smoke run.
    private string WarmUpJobs(int jobs) => (settings.Smoke ? jobs / 10 : jobs).ToString(CultureInfo.InvariantCulture);

    private Task<OrleansJobsSystem> StartSiloAsync(StartOption option)
    {
        var environment = new Dictionary<string, string>(settings.SiloEnvironment);
        foreach (var (name, value) in option.Environment) environment[name] = value;
        return OrleansJobsSystem.StartAsync(ResultTable.OrleansJobs, databases.OrleansJobs, databases.ConnectionString(databases.OrleansJobs), telemetry: true,
            environment, cancellationToken, siloAssembly: option.Assembly);
    }

    /// <summary>One way to start the silo: which assembly (null: the build beside the driver) and what runtime settings.</summary>
    private sealed record StartOption(string Name, string? Assembly, IReadOnlyDictionary<string, string> Environment);

    private sealed record ColdRun(TimeSpan Ready, Burst Cold, Burst Warm);
}

using System.Globalization;

namespace OrleansJobs.Bench.Compare;

public sealed partial class Benchmark
{
    /// <summary>
    /// W9 (issue 23, <c>--only Cluster</c>): the checks of docs/scaling.md's model. On a database of its own, W1's burst
    /// on one silo, then on two silos that form one cluster (same cluster id, ports of their own) with the submits
    /// spread over both silos' HTTP endpoints, then on two such silos that place new jobs on the silo that took their
    /// submit (<c>OrleansJobs:PlaceNewJobsLocally</c>); in turn (1, 2, 2 local, then 2 local, 2, 1: <see
    /// cref="Alternation"/>), a fresh silo or pair each time, warmed up as W1's. Each burst gives its rate, the silos' CPU per job (summed), the machine's, the database's
    /// commits and the server's write-ahead log per job, and the connections the silos hold in the database after it.
    /// On a machine whose cores the two silos share the rate cannot double; the check is whether a job costs what the
    /// model says it costs when half the job grains live on the other silo and half of the directory's registrations
    /// are remote, and what placing new jobs locally takes off that.
    /// </summary>
    private async Task ClusterAsync()
    {
        IReadOnlyDictionary<string, string> local = new Dictionary<string, string>(settings.SiloEnvironment) { ["OrleansJobs__PlaceNewJobsLocally"] = "true" };
        var configurations = new[]
        {
            (Label: OneSilo, Size: 1, Key: "s1", Environment: settings.SiloEnvironment),
            (Label: TwoSilos, Size: 2, Key: "s2", Environment: settings.SiloEnvironment),
            (Label: TwoSilosLocal, Size: 2, Key: "s2l", Environment: local),
        };
        var runs = configurations.ToDictionary(c => c.Label, _ => new List<ClusterRun>());
        for (var round = 1; round <= settings.ClusterRounds; round++)
        foreach (var configuration in Alternation.Order(configurations.Length, round).Select(side => configurations[side]))
        {
            await using var cluster = await StartClusterAsync(configuration.Size, configuration.Environment);
            var key = $"w9{configuration.Key}-{round}";
            await WarmUpAsync(cluster, key, settings.WarmUpJobs);
            var burst = await OneBurstAsync(cluster, key);
            var connections = await databases.ConnectionsAsync(databases.Cluster);
            Progress($"W9 {configuration.Label}, round {round}: {burst.EndToEnd:N0}/s, silo CPU {burst.SiloCpuPerJob:N2} ms a job, " +
                     $"{burst.CommitsPerJob:N2} commits and {burst.WalBytesPerJob:N0} bytes of WAL a job, {connections} connections");
            runs[configuration.Label].Add(new ClusterRun(burst, connections));
        }

        const string oj = ResultTable.OrleansJobs;
        foreach (var (label, list) in runs)
        {
            var median = Median(list.Select(r => r.Burst).ToList());
            table.Set("W9", $"{label}: each round, end-to-end jobs/s (silo CPU per job, ms)", oj, Cell.Note(string.Join(" / ", list.Select(r =>
                string.Create(CultureInfo.InvariantCulture, $"{r.Burst.EndToEnd:N0} ({r.Burst.SiloCpuPerJob:N2})")))));
            table.Set("W9", $"{label}: end-to-end (jobs/s; median round)", oj, Cell.Of(median.EndToEnd));
            table.Set("W9", $"{label}: silo CPU per job (ms; the silos summed; least of the rounds)", oj, Cell.Fine(list.Min(r => r.Burst.SiloCpuPerJob)));
            table.Set("W9", $"{label}: machine CPU per job (ms; least of the rounds)", oj, Cell.Fine(list.Min(r => r.Burst.MachineCpuPerJob)));
            table.Set("W9", $"{label}: commits per job (median round)", oj, Cell.Fine(median.CommitsPerJob));
            table.Set("W9", $"{label}: WAL per job (bytes, the server's; median round)", oj, Cell.Of(median.WalBytesPerJob));
            table.Set("W9", $"{label}: database connections after the burst (all silos; most of the rounds)", oj, Cell.Count(list.Max(r => r.Connections)));
        }

        double More(string than, string label, Func<ClusterRun, double> figure)
        {
            var (one, two) = (runs[than].Min(figure), runs[label].Min(figure));
            return 100 * (two - one) / one;
        }
        foreach (var (label, name) in new[] { (TwoSilos, "2 silos vs 1"), (TwoSilosLocal, "2 silos placing new jobs locally vs 1") })
        {
            table.Set("W9", $"{name}: silo CPU per job (% more; least of each)", oj, Cell.Of(More(OneSilo, label, r => r.Burst.SiloCpuPerJob)));
            table.Set("W9", $"{name}: commits per job (% more; least of each)", oj, Cell.Of(More(OneSilo, label, r => r.Burst.CommitsPerJob)));
            table.Set("W9", $"{name}: WAL per job (% more; least of each)", oj, Cell.Of(More(OneSilo, label, r => r.Burst.WalBytesPerJob)));
        }
        table.Set("W9", "2 silos placing new jobs locally vs at random: silo CPU per job (% change; least of each)", oj,
            Cell.Of(More(TwoSilos, TwoSilosLocal, r => r.Burst.SiloCpuPerJob)));
    }

    /// <summary>
    /// <paramref name="size"/> silos on W9's database, one after the other, each ready before the next starts: one in a
    /// cluster of its own, or several in a cluster started for them (a fresh id, so no silo killed before is waited for),
    /// each with <paramref name="environment"/>.
    /// </summary>
    private async Task<SiloCluster> StartClusterAsync(int size, IReadOnlyDictionary<string, string> environment)
    {
        var clusterId = size == 1 ? null : $"bench-w9-{Guid.NewGuid():N}"[..20];
        var silos = new List<OrleansJobsSystem>();
        try
        {
            for (var i = 0; i < size; i++)
            {
                silos.Add(await OrleansJobsSystem.StartAsync(ResultTable.OrleansJobs, databases.Cluster, databases.ConnectionString(databases.Cluster), telemetry: true,
                    environment, cancellationToken, clusterId: clusterId));
            }
        }
        catch
        {
            foreach (var silo in silos) await silo.DisposeAsync();
            throw;
        }
        return new SiloCluster(silos);
    }

    private const string OneSilo = "1 silo";
    private const string TwoSilos = "2 silos, one cluster";
    private const string TwoSilosLocal = "2 silos, new jobs placed locally";

    /// <summary>One W9 burst and the database connections the silos held after it.</summary>
    private sealed record ClusterRun(Burst Burst, int Connections);
}

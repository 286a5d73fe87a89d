using System.Globalization;

namespace OrleansJobs.Bench.Compare;

public sealed partial class Benchmark
{
    /// <summary>
    /// W9 (issue 23, <c>--only Cluster</c>): the checks of docs/scaling.md's model. On a database of its own, W1's burst
    /// on one silo, then on two silos that form one cluster (same cluster id, ports of their own) with the submits
    /// spread over both silos' HTTP endpoints; in turn (1, 2, 1, 2, …), a fresh silo or pair each time, warmed up as W1's.
    /// Each burst gives its rate, the silos' CPU per job (summed), the machine's, the database's commits and the server's
    /// write-ahead log per job, and the connections the silos hold in the database after it. On a machine whose cores
    /// the two silos share the rate cannot double; the check is whether a job costs what the model says it costs when
    /// half the job grains live on the other silo and half of the directory's registrations are remote.
    /// </summary>
    private async Task ClusterAsync()
    {
        var runs = new Dictionary<int, List<ClusterRun>> { [1] = [], [2] = [] };
        for (var round = 1; round <= settings.ClusterRounds; round++)
        foreach (var (size, list) in runs)
        {
            await using var cluster = await StartClusterAsync(size);
            var key = $"w9s{size}-{round}";
            await WarmUpAsync(cluster, key, settings.WarmUpJobs);
            var burst = await OneBurstAsync(cluster, key);
            var connections = await databases.ConnectionsAsync(databases.Cluster);
            Progress($"W9 {cluster.Name}, round {round}: {burst.EndToEnd:N0}/s, silo CPU {burst.SiloCpuPerJob:N2} ms a job, " +
                     $"{burst.CommitsPerJob:N2} commits and {burst.WalBytesPerJob:N0} bytes of WAL a job, {connections} connections");
            list.Add(new ClusterRun(burst, connections));
        }

        const string oj = ResultTable.OrleansJobs;
        foreach (var (size, list) in runs)
        {
            var label = size == 1 ? OneSilo : TwoSilos;
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

        double More(Func<ClusterRun, double> figure, Func<IEnumerable<double>, double> pick)
        {
            var (one, two) = (pick(runs[1].Select(figure)), pick(runs[2].Select(figure)));
            return 100 * (two - one) / one;
        }
        table.Set("W9", "2 silos vs 1: silo CPU per job (% more; least of each)", oj, Cell.Of(More(r => r.Burst.SiloCpuPerJob, Enumerable.Min)));
        table.Set("W9", "2 silos vs 1: commits per job (% more; least of each)", oj, Cell.Of(More(r => r.Burst.CommitsPerJob, Enumerable.Min)));
        table.Set("W9", "2 silos vs 1: WAL per job (% more; least of each)", oj, Cell.Of(More(r => r.Burst.WalBytesPerJob, Enumerable.Min)));
    }

    /// <summary>
    /// <paramref name="size"/> silos on W9's database, one after the other, each ready before the next starts: one in a
    /// cluster of its own, or several in a cluster started for them (a fresh id, so no silo killed before is waited for).
    /// </summary>
    private async Task<SiloCluster> StartClusterAsync(int size)
    {
        var clusterId = size == 1 ? null : $"bench-w9-{Guid.NewGuid():N}"[..20];
        var silos = new List<OrleansJobsSystem>();
        try
        {
            for (var i = 0; i < size; i++)
            {
                silos.Add(await OrleansJobsSystem.StartAsync(ResultTable.OrleansJobs, databases.Cluster, databases.ConnectionString(databases.Cluster), telemetry: true,
                    settings.SiloEnvironment, cancellationToken, clusterId: clusterId));
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

    /// <summary>One W9 burst and the database connections the silos held after it.</summary>
    private sealed record ClusterRun(Burst Burst, int Connections);
}

namespace OrleansJobs.Bench.Compare;

/// <summary>
/// Several silo processes that form one Orleans cluster on one database (W9), driven as one job system: the submits are
/// spread over the silos' HTTP endpoints in turn, and the reads go to the first silo (every silo reads the same table).
/// </summary>
public sealed class SiloCluster(IReadOnlyList<OrleansJobsSystem> silos) : IJobSystem
{
    public IReadOnlyList<OrleansJobsSystem> Silos => silos;

    public string Name => silos.Count == 1 ? $"{silos[0].Name} (1 silo)" : $"{silos[0].Name} ({silos.Count} silos, one cluster)";
    public string Database => silos[0].Database;

    /// <summary>CPU time the silo processes have used so far, summed.</summary>
    public TimeSpan CpuTime() => silos.Aggregate(TimeSpan.Zero, (sum, silo) => sum + silo.CpuTime());

    public Task SubmitAsync(JobOrder order, CancellationToken cancellationToken) =>
        silos[order.Index % silos.Count].SubmitAsync(order, cancellationToken);

    public Task<bool> IsDrainedAsync(string workload, int submitted, CancellationToken cancellationToken) =>
        silos[0].IsDrainedAsync(workload, submitted, cancellationToken);

    public Task<IReadOnlyList<JobTimes>> ReadAsync(string workload, CancellationToken cancellationToken) =>
        silos[0].ReadAsync(workload, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in silos) await silo.DisposeAsync();
    }
}

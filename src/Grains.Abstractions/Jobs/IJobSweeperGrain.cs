namespace OrleansJobs.Jobs;

/// <summary>Sweeps the job table for work that needs a grain woken: due scheduled jobs and orphans of dead silos.</summary>
public interface IJobSweeperGrain : IGrainWithIntegerKey
{
    /// <summary>Keeps the sweeper active (its timer does the sweeping).</summary>
    Task Ping();

    /// <summary>Runs one full sweep at once (quiet jobs included); returns how many grains it woke.</summary>
    Task<int> SweepNow();
}

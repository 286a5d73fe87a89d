using Microsoft.Extensions.Options;
using Orleans.Runtime;
using OrleansJobs.Storage;

namespace OrleansJobs.Jobs;

/// <summary>
/// Pings the sweeper from every silo, so that after a start (or the loss of the silo that hosted it) it is
/// active again within one interval rather than at its next reminder tick.
/// </summary>
public sealed class JobSweeperKeeper(IGrainFactory grains, IOptions<JobServiceOptions> options, TimeProvider time, ILogger<JobSweeperKeeper> logger)
    : SiloActiveLoop
{
    protected override async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try { await grains.GetGrain<IJobSweeperGrain>(0).Ping(); }
            catch (Exception ex) when (!stopping.IsCancellationRequested) { logger.LogDebug(ex, "Sweeper ping failed"); }
            try { await Task.Delay(options.Value.SweepInterval, time, stopping); }
            catch (OperationCanceledException) { }
        }
    }
}

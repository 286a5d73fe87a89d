using Microsoft.Extensions.Options;
using Orleans.Runtime;
using OrleansJobs.Storage;

namespace OrleansJobs.Jobs;

/// <summary>
/// Pings the sweeper and the retention grain (<see cref="Retention.IJobRetentionGrain"/>) from every silo, so that after a
/// start (or the loss of the silo that hosted them) they are active again within one interval rather than at the
/// sweeper's next reminder tick; retention needs no reminder of its own, since every live silo pings it.
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
            try { await grains.GetGrain<Retention.IJobRetentionGrain>(0).Ping(); }
            catch (Exception ex) when (!stopping.IsCancellationRequested) { logger.LogDebug(ex, "Retention ping failed"); }
            try { await Task.Delay(options.Value.SweepInterval, time, stopping); }
            catch (OperationCanceledException) { }
        }
    }
}

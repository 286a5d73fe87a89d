using Microsoft.Extensions.Options;
using OrleansJobs.Queues;

namespace OrleansJobs.Workers;

/// <summary>
/// Keeps this silo's copy of the run-time external job types (<see cref="ExternalJobTypes"/>) fresh: reads them from
/// <see cref="IExternalJobTypesGrain"/> once the silo is active and then every
/// <see cref="QueueOptions.SettingsRefreshInterval"/>, the interval in which queue settings reach every silo too.
/// </summary>
public sealed class ExternalJobTypesRefresh(
    IGrainFactory grains, ExternalJobTypes external, IOptions<QueueOptions> options, TimeProvider time, ILogger<ExternalJobTypesRefresh> logger) : SiloActiveLoop
{
    protected override async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                try
                {
                    external.Load(await grains.GetGrain<IExternalJobTypesGrain>(0).GetAll());
                }
                catch (Exception ex) when (!stopping.IsCancellationRequested)
                {
                    logger.LogWarning(ex, "Could not refresh the external job types; using the ones from before");
                }
                await Task.Delay(options.Value.SettingsRefreshInterval, time, stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }
}

using OrleansJobs.Retries;

namespace OrleansJobs.Schedules;

/// <summary>
/// Brings the schedules back after a restart or the loss of a silo: wakes every schedule once its silo is active, and
/// again whenever a silo of the cluster is declared dead, so that schedules fire again (and catch up) within moments
/// rather than at their reminder's next one-minute tick.
/// </summary>
public sealed class ScheduleRecoveryLoop(IGrainFactory grains, IClusterMembershipService membership, ILogger<ScheduleRecoveryLoop> logger) : SiloActiveLoop
{
    protected override async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            await WakeAllAsync(stopping);
            var dead = DeadSilos(membership.CurrentSnapshot);
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stopping))
            {
                var nowDead = DeadSilos(snapshot);
                if (nowDead > dead) await WakeAllAsync(stopping);
                dead = nowDead;
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private static int DeadSilos(ClusterMembershipSnapshot snapshot) => snapshot.Members.Values.Count(m => m.Status == SiloStatus.Dead);

    /// <summary>
    /// The waits between tries to wake the schedules: 0.5 s doubling to 32 s, about a minute in all (the grain directory
    /// may still point at a lost silo); past that, the reminders take over.
    /// </summary>
    private static readonly TimeSpan[] WakeRetries = [.. BackoffPolicy.Delays(TimeSpan.FromMilliseconds(500), 2, TimeSpan.FromMinutes(1)).Take(7)];

    private async Task WakeAllAsync(CancellationToken stopping)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var count = await grains.GetGrain<IScheduleRegistryGrain>(0).WakeAll();
                if (count > 0) logger.LogInformation("Woke {Count} schedules", count);
                return;
            }
            catch (Exception ex) when (!stopping.IsCancellationRequested)
            {
                if (attempt == WakeRetries.Length)
                {
                    logger.LogWarning(ex, "Could not wake the schedules; their reminders will");
                    return;
                }
                logger.LogWarning(ex, "Could not wake the schedules; trying again in {Delay}", WakeRetries[attempt]);
            }
            await Task.Delay(WakeRetries[attempt], stopping);
        }
    }
}

using Orleans.Runtime;

namespace OrleansJobs.Schedules;

/// <summary>The registry's stored state: every schedule's name, in ordinal order.</summary>
[GenerateSerializer]
public sealed class ScheduleRegistryState
{
    [Id(0)] public List<string> Names { get; set; } = [];
}

/// <summary>
/// The list of schedules: grain storage cannot be queried, so the names live here, in the default grain storage, for
/// <c>GET /api/schedules</c> and for <see cref="IScheduleRegistryGrain.WakeAll"/> when a silo starts.
/// </summary>
[GrainType("schedule-registry")]
public sealed class ScheduleRegistryGrain(
    [PersistentState("schedules")] IPersistentState<ScheduleRegistryState> store,
    ILogger<ScheduleRegistryGrain> logger) : Grain, IScheduleRegistryGrain
{
    private List<string> Names => store.State.Names;

    async Task IScheduleRegistryGrain.Add(string name)
    {
        var at = Names.BinarySearch(name, StringComparer.Ordinal);
        if (at >= 0) return;
        Names.Insert(~at, name);
        await store.WriteStateAsync();
    }

    async Task IScheduleRegistryGrain.Remove(string name)
    {
        var at = Names.BinarySearch(name, StringComparer.Ordinal);
        if (at < 0) return;
        Names.RemoveAt(at);
        await store.WriteStateAsync();
    }

    Task<IReadOnlyList<string>> IScheduleRegistryGrain.Names() => Task.FromResult<IReadOnlyList<string>>([.. Names]);

    async Task<int> IScheduleRegistryGrain.WakeAll()
    {
        foreach (var chunk in Names.ToList().Chunk(64))
            await Task.WhenAll(chunk.Select(WakeAsync));
        return Names.Count;
    }

    private async Task WakeAsync(string name)
    {
        try { await GrainFactory.GetGrain<IScheduleGrain>(ScheduleKeys.GrainKey(name)).Wake(); }
        catch (Exception ex) { logger.LogWarning(ex, "Could not wake schedule {Schedule}; its reminder will", name); }
    }
}

/// <summary>
/// Wakes every schedule once its silo is active, and again whenever a silo of the cluster is declared dead: after a
/// restart or the loss of a silo, schedules fire again (and catch up) within moments rather than at their reminder's
/// next one-minute tick.
/// </summary>
public sealed class ScheduleWaker(IGrainFactory grains, IClusterMembershipService membership, ILogger<ScheduleWaker> logger) : SiloActiveLoop
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

    /// <summary>Tries for about a minute (the grain directory may still point at a lost silo); past that, the reminders take over.</summary>
    private async Task WakeAllAsync(CancellationToken stopping)
    {
        for (var delay = TimeSpan.FromMilliseconds(500); ; delay *= 2)
        {
            try
            {
                var count = await grains.GetGrain<IScheduleRegistryGrain>(0).WakeAll();
                if (count > 0) logger.LogInformation("Woke {Count} schedules", count);
                return;
            }
            catch (Exception ex) when (!stopping.IsCancellationRequested)
            {
                if (delay >= TimeSpan.FromMinutes(1))
                {
                    logger.LogWarning(ex, "Could not wake the schedules; their reminders will");
                    return;
                }
                logger.LogWarning(ex, "Could not wake the schedules; trying again in {Delay}", delay);
            }
            await Task.Delay(delay, stopping);
        }
    }
}

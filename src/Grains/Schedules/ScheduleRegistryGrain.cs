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
/// Wakes every schedule once its silo is active, so that after a restart schedules fire again (and catch up) within
/// moments rather than at their reminder's next one-minute tick.
/// </summary>
public sealed class ScheduleWaker(IGrainFactory grains, ILogger<ScheduleWaker> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _wake = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(ScheduleWaker), ServiceLifecycleStage.Active, _ =>
        {
            _wake = Task.Run(WakeAsync);
            return Task.CompletedTask;
        }, async _ =>
        {
            await _stopping.CancelAsync();
            await _wake;
        });

    private async Task WakeAsync()
    {
        for (var delay = TimeSpan.FromMilliseconds(500); !_stopping.IsCancellationRequested; delay *= 2)
        {
            try
            {
                var count = await grains.GetGrain<IScheduleRegistryGrain>(0).WakeAll();
                if (count > 0) logger.LogInformation("Woke {Count} schedules", count);
                return;
            }
            catch (Exception ex) when (!_stopping.IsCancellationRequested && delay < TimeSpan.FromMinutes(1))
            {
                logger.LogWarning(ex, "Could not wake the schedules; trying again in {Delay}", delay);
            }
            try { await Task.Delay(delay, _stopping.Token); }
            catch (OperationCanceledException) { }
        }
    }
}

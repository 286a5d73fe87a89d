namespace OrleansJobs.Schedules;

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

    Task<int> IScheduleRegistryGrain.Count() => Task.FromResult(Names.Count);

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

namespace OrleansJobs.Schedules;

/// <summary>The names of every schedule (one grain, key 0): for the listing, and to wake them all when a silo starts.</summary>
public interface IScheduleRegistryGrain : IGrainWithIntegerKey
{
    Task Add(string name);
    Task Remove(string name);
    Task<IReadOnlyList<string>> Names();
    /// <summary>How many schedules there are.</summary>
    Task<int> Count();
    /// <summary>Wakes every schedule; returns how many.</summary>
    Task<int> WakeAll();
}

namespace OrleansJobs.Schedules;

/// <summary>The registry's stored state: every schedule's name, in ordinal order.</summary>
[GenerateSerializer]
public sealed class ScheduleRegistryState
{
    [Id(0)] public List<string> Names { get; set; } = [];
}

namespace OrleansJobs.Schedules;

/// <summary>No schedule has this name.</summary>
[GenerateSerializer]
public sealed class ScheduleNotFoundException(string name) : Exception($"Schedule '{name}' does not exist.")
{
    [Id(0)] public string Name { get; } = name;
}

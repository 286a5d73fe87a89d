namespace OrleansJobs.Schedules;

/// <summary>The answer to a <see cref="IScheduleGrain.Put"/>: the schedule, and whether it was new.</summary>
[GenerateSerializer, Immutable]
public sealed record SchedulePutResult([property: Id(0)] ScheduleView Schedule, [property: Id(1)] bool Created);

using OrleansJobs.Jobs;

namespace OrleansJobs.Schedules;

/// <summary>The answer to a <see cref="IScheduleGrain.Trigger"/>: the job it submitted.</summary>
[GenerateSerializer, Immutable]
public sealed record ScheduleTriggerResult([property: Id(0)] JobState Job);

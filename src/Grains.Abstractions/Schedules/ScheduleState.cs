using OrleansJobs.Jobs;

namespace OrleansJobs.Schedules;

/// <summary>A schedule's stored state: its definition and how far it has got. Kept in the default grain storage.</summary>
[GenerateSerializer]
public sealed class ScheduleState
{
    /// <summary>Null = no such schedule (never created, or deleted).</summary>
    [Id(0)] public ScheduleDefinition? Definition { get; set; }

    /// <summary>
    /// Which incarnation of the name this is (the creation time in ticks): part of every job id the schedule makes, so a
    /// schedule deleted and created again under the same name is not mistaken for the jobs of the old one.
    /// </summary>
    [Id(1)] public long Generation { get; set; }

    /// <summary>The latest occurrence dealt with (fired, skipped or left waiting); the next fire is the first occurrence after it.</summary>
    [Id(2)] public DateTimeOffset Cursor { get; set; }

    /// <summary>Overlap <see cref="OverlapPolicy.Wait"/>: the occurrence waiting for the previous job to finish.</summary>
    [Id(3)] public DateTimeOffset? Waiting { get; set; }

    /// <summary>The occurrence the last job was made for (for a manual trigger, the time of the trigger).</summary>
    [Id(4)] public DateTimeOffset? LastOccurrence { get; set; }

    /// <summary>When the last job was submitted.</summary>
    [Id(5)] public DateTimeOffset? LastFiredAt { get; set; }

    [Id(6)] public string? LastJobId { get; set; }

    /// <summary>Jobs submitted so far, triggers included.</summary>
    [Id(7)] public long Fired { get; set; }

    /// <summary>Occurrences dropped so far (misfire skip, overlap skip, or folded into a waiting one).</summary>
    [Id(8)] public long Skipped { get; set; }

    [Id(9)] public DateTimeOffset CreatedAt { get; set; }
    [Id(10)] public DateTimeOffset UpdatedAt { get; set; }

    public bool Exists => Definition is not null;
}

/// <summary>A schedule as the API shows it: its state plus the next occurrences by its cron expression.</summary>
[GenerateSerializer, Immutable]
public sealed record ScheduleView(
    [property: Id(0)] string Name,
    [property: Id(1)] ScheduleDefinition Definition,
    [property: Id(2)] DateTimeOffset? LastOccurrence,
    [property: Id(3)] DateTimeOffset? LastFiredAt,
    [property: Id(4)] string? LastJobId,
    [property: Id(5)] DateTimeOffset? Waiting,
    [property: Id(6)] long Fired,
    [property: Id(7)] long Skipped,
    [property: Id(8)] IReadOnlyList<DateTimeOffset> NextOccurrences,
    [property: Id(9)] DateTimeOffset CreatedAt,
    [property: Id(10)] DateTimeOffset UpdatedAt);

/// <summary>The answer to a <see cref="IScheduleGrain.Put"/>: the schedule, and whether it was new.</summary>
[GenerateSerializer, Immutable]
public sealed record SchedulePutResult([property: Id(0)] ScheduleView Schedule, [property: Id(1)] bool Created);

/// <summary>The answer to a <see cref="IScheduleGrain.Trigger"/>: the job it submitted.</summary>
[GenerateSerializer, Immutable]
public sealed record ScheduleTriggerResult([property: Id(0)] JobState Job);

/// <summary>No schedule has this name.</summary>
[GenerateSerializer]
public sealed class ScheduleNotFoundException(string name) : Exception($"Schedule '{name}' does not exist.")
{
    [Id(0)] public string Name { get; } = name;
}

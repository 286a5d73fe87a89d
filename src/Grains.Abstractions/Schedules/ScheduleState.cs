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

    /// <summary>The ids of the latest jobs submitted, newest first, at most <see cref="RecentJobsKept"/>: the last runs an operator sees.</summary>
    [Id(11)] public List<string> RecentJobIds { get; set; } = [];

    public const int RecentJobsKept = 10;

    /// <summary>
    /// An occurrence the schedule has decided to fire (or the time of a manual trigger, <see cref="FiringTrigger"/>),
    /// recorded (with the cursor past it) before its job is submitted and cleared once the job is. A silo lost between
    /// the two leaves it here, and the schedule's next activation submits it again before deciding anything else: its job
    /// id is fixed by the occurrence, so it finds the job if it was made. Without this record, the next decision would
    /// count that occurrence as missed although its job exists.
    /// </summary>
    [Id(12)] public DateTimeOffset? Firing { get; set; }

    /// <summary>How many missed occurrences the <see cref="Firing"/> one stands for (0 when on time).</summary>
    [Id(13)] public int FiringMissed { get; set; }

    /// <summary>The <see cref="Firing"/> time is a manual trigger's, not an occurrence: its job is the trigger's.</summary>
    [Id(14)] public bool FiringTrigger { get; set; }

    [Id(9)] public DateTimeOffset CreatedAt { get; set; }
    [Id(10)] public DateTimeOffset UpdatedAt { get; set; }

    public bool Exists => Definition is not null;
}

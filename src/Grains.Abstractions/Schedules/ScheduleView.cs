namespace OrleansJobs.Schedules;

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
    [property: Id(10)] DateTimeOffset UpdatedAt,
    // The latest jobs submitted, newest first (ScheduleState.RecentJobsKept at most).
    [property: Id(11)] IReadOnlyList<string> RecentJobIds);

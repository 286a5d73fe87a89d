using OrleansJobs.Jobs;

namespace OrleansJobs.Schedules;

/// <summary>What a schedule does about occurrences it missed while no silo could fire them (downtime, a long pause of the silo).</summary>
public enum MisfirePolicy
{
    /// <summary>The missed occurrences fire once, together, as one catch-up job as soon as the schedule runs again.</summary>
    FireOnce,
    /// <summary>The missed occurrences are dropped; the schedule goes on with its next occurrence.</summary>
    Skip,
}

/// <summary>What a schedule does when an occurrence comes due while the job of the one before has not finished.</summary>
public enum OverlapPolicy
{
    /// <summary>Fire anyway: jobs of successive occurrences may run side by side.</summary>
    Allow,
    /// <summary>Drop this occurrence.</summary>
    Skip,
    /// <summary>Hold this occurrence and fire it as soon as the previous job is terminal; at most one occurrence waits.</summary>
    Wait,
}

/// <summary>A recurring schedule as its owner defined it (<c>PUT /api/schedules/{name}</c>); validated before it reaches a grain.</summary>
[GenerateSerializer, Immutable]
public sealed record ScheduleDefinition
{
    /// <summary>A cron expression of 5 fields, or 6 with seconds first (Cronos syntax, macros such as <c>@hourly</c> too).</summary>
    [Id(0)] public required string Cron { get; init; }
    /// <summary>The IANA time zone the cron expression is read in.</summary>
    [Id(1)] public string TimeZone { get; init; } = "UTC";
    /// <summary>The job each occurrence submits.</summary>
    [Id(2)] public required JobSpec Job { get; init; }
    /// <summary>The job as the owner wrote it (JSON), shown back by the API.</summary>
    [Id(3)] public required string JobJson { get; init; }
    [Id(4)] public MisfirePolicy Misfire { get; init; } = MisfirePolicy.FireOnce;
    [Id(5)] public OverlapPolicy Overlap { get; init; } = OverlapPolicy.Allow;
    [Id(6)] public bool Paused { get; init; }
}

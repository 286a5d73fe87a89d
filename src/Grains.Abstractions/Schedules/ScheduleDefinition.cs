using OrleansJobs.Jobs;

namespace OrleansJobs.Schedules;

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

namespace OrleansJobs.Client;

/// <summary>
/// A recurring schedule to create or replace with <see cref="IOrleansJobsClient.PutScheduleAsync"/>. Members left null take
/// the service's defaults.
/// </summary>
public sealed record ScheduleRequest
{
    /// <summary>Cron expression: 5 fields (minute hour day month weekday), or 6 with seconds first, such as <c>*/10 * * * * *</c>.</summary>
    public required string Cron { get; init; }

    /// <summary>IANA time zone the expression is read in, such as <c>Europe/Berlin</c> (service default: UTC).</summary>
    public string? TimeZone { get; init; }

    /// <summary>The type of the job each occurrence submits.</summary>
    public required string JobType { get; init; }

    /// <summary>The job's payload, serialized with <see cref="OrleansJobsClientOptions.PayloadSerializerOptions"/>; null for none.</summary>
    public object? Payload { get; init; }

    /// <summary>How to run each job. <see cref="SubmitOptions.RunAt"/>, <see cref="SubmitOptions.Delay"/> and <see cref="SubmitOptions.IdempotencyKey"/> do not apply: the schedule decides them.</summary>
    public SubmitOptions? JobOptions { get; init; }

    /// <summary>Service default: <see cref="ScheduleMisfire.FireOnce"/>.</summary>
    public ScheduleMisfire? Misfire { get; init; }

    /// <summary>Service default: <see cref="ScheduleOverlap.Allow"/>.</summary>
    public ScheduleOverlap? Overlap { get; init; }

    /// <summary>Create it paused (service default: false).</summary>
    public bool? Paused { get; init; }
}

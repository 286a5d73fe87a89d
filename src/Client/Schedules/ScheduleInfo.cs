using System.Text.Json;

namespace OrleansJobs.Client;

/// <summary>What a schedule does with occurrences it missed while no silo could fire them.</summary>
public enum ScheduleMisfire
{
    /// <summary>They fire once, together, as one catch-up job (tagged <c>missedOccurrences</c>).</summary>
    FireOnce,
    /// <summary>They are dropped; the schedule goes on with its next occurrence.</summary>
    Skip,
}

/// <summary>What a schedule does when an occurrence comes due while the previous occurrence's job has not finished.</summary>
public enum ScheduleOverlap
{
    /// <summary>Fire anyway.</summary>
    Allow,
    /// <summary>Drop the occurrence.</summary>
    Skip,
    /// <summary>Fire it as soon as the previous job finishes; at most one occurrence waits, later ones are dropped.</summary>
    Wait,
}

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

/// <summary>A recurring schedule as the service reports it.</summary>
public sealed record ScheduleInfo
{
    /// <summary>The schedule's name.</summary>
    public required string Name { get; init; }

    /// <summary>Its cron expression.</summary>
    public required string Cron { get; init; }

    /// <summary>The IANA time zone the expression is read in.</summary>
    public required string TimeZone { get; init; }

    /// <summary>The job each occurrence submits, as the submit body of <c>POST /api/jobs</c>.</summary>
    public JsonElement Job { get; init; }

    /// <summary>What it does with missed occurrences.</summary>
    public ScheduleMisfire Misfire { get; init; }

    /// <summary>What it does when an occurrence comes due while the previous job runs.</summary>
    public ScheduleOverlap Overlap { get; init; }

    /// <summary>Whether it is paused.</summary>
    public bool Paused { get; init; }

    /// <summary>The next five occurrences by its cron expression (UTC).</summary>
    public IReadOnlyList<DateTimeOffset> NextOccurrences { get; init; } = [];

    /// <summary>The occurrence (or manual trigger time) of the last job it submitted.</summary>
    public DateTimeOffset? LastOccurrence { get; init; }

    /// <summary>When it submitted its last job.</summary>
    public DateTimeOffset? LastFiredAt { get; init; }

    /// <summary>The id of the last job it submitted.</summary>
    public string? LastJobId { get; init; }

    /// <summary>With <see cref="ScheduleOverlap.Wait"/>: the occurrence waiting for the previous job to finish.</summary>
    public DateTimeOffset? WaitingOccurrence { get; init; }

    /// <summary>Jobs it has submitted, manual triggers included.</summary>
    public long Fired { get; init; }

    /// <summary>Occurrences it has dropped (misfire or overlap).</summary>
    public long Skipped { get; init; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When its definition last changed (a put, pause or resume).</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

using System.Text.Json;

namespace OrleansJobs.Client;

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

    /// <summary>The ids of the last ten jobs it submitted, newest first.</summary>
    public IReadOnlyList<string> RecentJobIds { get; init; } = [];

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

    /// <summary>
    /// The name of the API key that created the schedule, which every job it starts carries too; null for schedules
    /// created without a key. A key without <c>admin</c> sees only the schedules it owns.
    /// </summary>
    public string? Owner { get; init; }
}

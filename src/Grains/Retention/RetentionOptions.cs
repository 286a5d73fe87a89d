using System.ComponentModel.DataAnnotations;

namespace OrleansJobs.Retention;

/// <summary>
/// How long finished jobs are kept (<c>OrleansJobs:Retention</c>). Each age is a duration as <see cref="Jobs.DurationParser"/>
/// reads it (<c>7d</c>, <c>PT12H</c>, <c>2.00:00:00</c>) or <c>infinite</c> to keep that status for ever; a bad value
/// stops the silo at start (<see cref="RetentionOptionsValidator"/>). Deletion runs in batches of
/// <see cref="BatchSize"/> with <see cref="BatchPause"/> between them, every <see cref="Interval"/>.
/// </summary>
public sealed class RetentionOptions
{
    public const string Section = "OrleansJobs:Retention";

    /// <summary>The word that keeps a status for ever.</summary>
    public const string Infinite = "infinite";

    /// <summary>How long a Succeeded job is kept after it ended.</summary>
    public string Succeeded { get; set; } = "7d";

    /// <summary>How long a Failed job is kept after it ended.</summary>
    public string Failed { get; set; } = "30d";

    /// <summary>How long a Cancelled job is kept after it ended.</summary>
    public string Cancelled { get; set; } = "30d";

    /// <summary>How often the cluster looks for jobs past their age.</summary>
    [Range(typeof(TimeSpan), "00:00:00.1", "1.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Jobs deleted in one statement: small, so each delete holds the table's write lock only briefly.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 500;

    /// <summary>The pause between two batches of one pass, which leaves the job path the database in between.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan BatchPause { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Batches one pass deletes at most; the rest waits for the next pass, so a backlog drains steadily.</summary>
    [Range(1, 10_000)]
    public int MaxBatchesPerPass { get; set; } = 20;

    /// <summary>The age of <paramref name="status"/> (Succeeded, Failed or Cancelled); null when it is kept for ever.</summary>
    public TimeSpan? AgeOf(JobStatus status) => RetentionAge.Parse(status switch
    {
        JobStatus.Succeeded => Succeeded,
        JobStatus.Failed => Failed,
        JobStatus.Cancelled => Cancelled,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Only finished jobs have a retention age."),
    });
}

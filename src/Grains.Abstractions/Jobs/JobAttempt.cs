namespace OrleansJobs.Jobs;

/// <summary>One attempt at running a job: when, where, and how it ended (no outcome while it runs).</summary>
[GenerateSerializer]
public sealed class JobAttempt
{
    [Id(0)] public int Number { get; set; }
    [Id(1)] public DateTimeOffset StartedAt { get; set; }
    [Id(2)] public DateTimeOffset? EndedAt { get; set; }
    [Id(3)] public AttemptOutcome? Outcome { get; set; }
    [Id(4)] public JobError? Error { get; set; }
    /// <summary>The silo that ran the attempt.</summary>
    [Id(5)] public string? Silo { get; set; }
    [Id(6)] public string? SpanId { get; set; }
    /// <summary>When the attempt was due (run time, retry time or submit time): start lateness is StartedAt - DueAt.</summary>
    [Id(7)] public DateTimeOffset? DueAt { get; set; }
}

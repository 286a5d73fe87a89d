namespace OrleansJobs.Client;

/// <summary>One attempt at running a job.</summary>
public sealed record JobAttempt
{
    /// <summary>The attempt's number, from 1.</summary>
    public int Number { get; init; }

    /// <summary>When the attempt started.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>When the attempt ended, or null while it runs.</summary>
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>How the attempt ended, or null while it runs.</summary>
    public AttemptOutcome? Outcome { get; init; }

    /// <summary>Why the attempt failed, when it did.</summary>
    public JobError? Error { get; init; }

    /// <summary>The silo that ran the attempt.</summary>
    public string? Silo { get; init; }

    /// <summary>The external worker the attempt was leased to, for a job type run by workers; null for an in-process attempt.</summary>
    public string? Worker { get; init; }

    /// <summary>When the attempt was due to run.</summary>
    public DateTimeOffset? DueAt { get; init; }

    /// <summary>The attempt's span in the job's trace (<see cref="JobInfo.TraceId"/>), when the service traces.</summary>
    public string? SpanId { get; init; }
}

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
    /// <summary>The external worker that holds (or held) the attempt's lease; null for an attempt run in a silo.</summary>
    [Id(8)] public string? Worker { get; set; }
    /// <summary>The lease's id: a worker's heartbeat, complete or fail must name it, so a worker whose lease expired cannot end a later attempt.</summary>
    [Id(9)] public string? LeaseId { get; set; }
    /// <summary>When the lease runs out unless the worker extends it: the attempt is then lost.</summary>
    [Id(10)] public DateTimeOffset? LeaseExpiresAt { get; set; }
    /// <summary>A leased attempt was told to stop (cancel, timeout): the worker learns it at its next heartbeat.</summary>
    [Id(11)] public AttemptStopReason StopRequested { get; set; }
}

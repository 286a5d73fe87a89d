namespace OrleansJobs.Callbacks;

/// <summary>
/// The completion callback of one job: what to send where, and how its deliveries went. Kept once settled (without
/// the body), so that the same ending handed over again is recognised and not sent twice.
/// </summary>
[GenerateSerializer]
public sealed class CallbackState
{
    [Id(0)] public CallbackStatus Status { get; set; }
    [Id(1)] public string? Url { get; set; }
    /// <summary>The job's final state as the API shows it: the POST body, the same for every delivery. Cleared once settled.</summary>
    [Id(2)] public string? Body { get; set; }
    /// <summary>The job's event sequence at that final state: a later ending of the job (after a manual retry) has a higher one.</summary>
    [Id(3)] public long Sequence { get; set; }
    /// <summary>Deliveries tried so far.</summary>
    [Id(4)] public int Attempts { get; set; }
    [Id(5)] public string? LastError { get; set; }
    [Id(6)] public DateTimeOffset? NextAttemptAt { get; set; }
    /// <summary>When it was delivered or given up.</summary>
    [Id(7)] public DateTimeOffset? SettledAt { get; set; }
    /// <summary>The job's trace context and correlation id: each delivery is a span in the job's trace and sends both on.</summary>
    [Id(8)] public string? TraceParent { get; set; }
    [Id(9)] public string? TraceState { get; set; }
    [Id(10)] public string? CorrelationId { get; set; }
}

namespace OrleansJobs.Batches;

/// <summary>
/// The durable state of one batch: how many members it has (their ids follow from the batch id), the continuation to
/// submit, and how each member ended. Members that end before the batch is sealed are recorded all the same.
/// </summary>
[GenerateSerializer]
public sealed class BatchState
{
    /// <summary>The number of members; 0 until the batch is sealed by <see cref="IBatchGrain.Create"/>.</summary>
    [Id(0)] public int Total { get; set; }
    [Id(1)] public DateTimeOffset CreatedAt { get; set; }
    /// <summary>The continuation as submitted with the batch (its own payload); null for a batch without one.</summary>
    [Id(2)] public JobSpec? Continuation { get; set; }
    /// <summary>How each member ended, by job id (results capped, see <see cref="BatchLimits"/>).</summary>
    [Id(3)] public Dictionary<string, BatchMemberOutcome> Outcomes { get; set; } = [];
    /// <summary>The continuation has been submitted (its id is <see cref="BatchIds.Continuation"/>).</summary>
    [Id(4)] public bool ContinuationSubmitted { get; set; }
    /// <summary>The continuation's status as last known here: its ending, told like a member's.</summary>
    [Id(5)] public JobStatus? ContinuationStatus { get; set; }
    [Id(6)] public bool Cancelled { get; set; }
    [Id(7)] public DateTimeOffset? CompletedAt { get; set; }
    /// <summary>Bytes of member results kept so far, against <see cref="BatchLimits.MaxKeptResultBytes"/>.</summary>
    [Id(8)] public int KeptResultBytes { get; set; }
}

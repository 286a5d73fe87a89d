using OrleansJobs.Jobs;

namespace OrleansJobs.Batches;

/// <summary>How a member ended, as the batch keeps it and as the continuation's payload carries it.</summary>
[GenerateSerializer, Immutable]
public sealed record BatchMemberOutcome(
    [property: Id(0)] string JobId,
    [property: Id(1)] JobStatus Status,
    // The member's result JSON; null when it had none or it was too large to keep (ResultOmitted).
    [property: Id(2)] string? Result,
    [property: Id(3)] JobError? Error,
    // The job's event sequence at this ending: a later ending (after a manual retry) has a higher one.
    [property: Id(4)] long Sequence,
    [property: Id(5)] bool ResultOmitted = false)
{
    public static BatchMemberOutcome Of(JobState job) => new(job.Id, job.Status, job.Result, job.Error, job.Sequence);
}

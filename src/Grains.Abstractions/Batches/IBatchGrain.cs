using OrleansJobs.Jobs;

namespace OrleansJobs.Batches;

/// <summary>
/// One batch (keyed by <see cref="BatchIds"/>): counts its members' endings and, once every member has ended, submits
/// the continuation with their outcomes (fan-out/fan-in). Members tell it durably, through their hand-over.
/// </summary>
public interface IBatchGrain : IGrainWithStringKey
{
    /// <summary>
    /// Seals the batch once its <paramref name="total"/> members have been submitted; repeated with the same arguments it
    /// changes nothing. A batch whose members have all ended by then submits its continuation at once.
    /// </summary>
    Task<BatchView> Create(int total, JobSpec? continuation, DateTimeOffset createdAt);

    /// <summary>A member (or the continuation) ended. A repeat of an ending already recorded is ignored.</summary>
    Task MemberFinished(BatchMemberOutcome outcome);

    /// <summary>The batch with its members' current statuses; null when no such batch was created.</summary>
    Task<BatchView?> Get();

    /// <summary>Cancels every member that has not ended, and the continuation unless it has started.</summary>
    Task<BatchView?> Cancel();
}

/// <summary>How a member ended, as the batch keeps it and as the continuation's payload carries it.</summary>
[GenerateSerializer, Immutable]
public sealed record BatchMemberOutcome(
    [property: Id(0)] string JobId,
    [property: Id(1)] JobStatus Status,
    /// <summary>The member's result JSON; null when it had none or it was too large to keep (<see cref="ResultOmitted"/>).</summary>
    [property: Id(2)] string? Result,
    [property: Id(3)] JobError? Error,
    /// <summary>The job's event sequence at this ending: a later ending (after a manual retry) has a higher one.</summary>
    [property: Id(4)] long Sequence,
    [property: Id(5)] bool ResultOmitted = false)
{
    public static BatchMemberOutcome Of(JobState job) => new(job.Id, job.Status, job.Result, job.Error, job.Sequence);
}

/// <summary>A batch as the API shows it.</summary>
[GenerateSerializer, Immutable]
public sealed record BatchView(
    [property: Id(0)] string Id,
    [property: Id(1)] int Total,
    [property: Id(2)] IReadOnlyDictionary<JobStatus, int> Counts,
    [property: Id(3)] IReadOnlyList<string> Jobs,
    [property: Id(4)] string? ContinuationId,
    /// <summary>The continuation's status; null before it is submitted, Cancelled when the batch was cancelled first.</summary>
    [property: Id(5)] JobStatus? ContinuationStatus,
    [property: Id(6)] bool Cancelled,
    [property: Id(7)] DateTimeOffset CreatedAt,
    /// <summary>When the last member ended.</summary>
    [property: Id(8)] DateTimeOffset? CompletedAt)
{
    /// <summary>Members that have ended.</summary>
    public int Finished => Counts.Where(c => c.Key.IsTerminal()).Sum(c => c.Value);
}

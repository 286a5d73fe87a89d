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

    /// <summary>
    /// Some of its jobs were deleted (retention, bulk delete): once none of its members remain in the job table, the
    /// batch's own record is deleted too, and the batch is unknown from then on. Harmless to repeat.
    /// </summary>
    Task MembersDeleted();
}

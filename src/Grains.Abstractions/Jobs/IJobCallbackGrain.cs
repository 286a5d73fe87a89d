namespace OrleansJobs.Jobs;

/// <summary>
/// Delivers a finished job's completion callback (<see cref="JobSpec.CallbackUrl"/>): one signed POST of its final
/// state, retried with backoff until the receiver accepts it. Keyed by job id.
/// </summary>
public interface IJobCallbackGrain : IGrainWithStringKey
{
    /// <summary>Records the delivery durably and starts it; returns once it is recorded, not once it is delivered.</summary>
    Task Deliver(JobState finalState);

    /// <summary>
    /// The job is deleted: stops any delivery still pending and deletes the stored record, so that retention leaves
    /// nothing of the job behind. Harmless when there is none.
    /// </summary>
    Task Forget();
}

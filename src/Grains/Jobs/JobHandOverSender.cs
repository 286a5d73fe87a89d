using Orleans.Serialization;

namespace OrleansJobs.Jobs;

/// <summary>
/// The job grain's dealings with other grains that it owes (<see cref="JobState.HandOverPending"/>): a finished job's
/// hand-over (<see cref="JobHandOver"/>), and a waiting job's registration with each of its dependencies. Each clears
/// the flag through the state writer once it has gone through; a call that fails leaves it set, and the sweeper wakes
/// the job to try again, so a silo lost in between loses nothing.
/// </summary>
internal sealed class JobHandOverSender(IGrainFactory grains, JobStateWriter writer, DeepCopier<JobState> copier, TimeProvider time, ILogger logger)
{
    private JobState Job => writer.Job;

    /// <summary>Hands the final state to its callback, batch and dependents, then clears the flag. Called in turn with the changes.</summary>
    public async Task HandOverAsync()
    {
        try
        {
            await JobHandOver.DeliverAsync(grains, copier.Copy(Job));
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Could not hand finished job {JobId} over; the sweeper tries again", Job.Id);
            return;
        }
        await writer.TryStoreInTurnAsync(job => job.HandOverPending = false, job => job.HandOverPending = true, "was handed over");
    }

    /// <summary>
    /// Registers a waiting job with each of its dependencies (each answers at once if it has already ended), then clears
    /// the flag. Not in turn with the changes: a dependency may be telling this job about its ending meanwhile.
    /// </summary>
    public async Task RegisterWithDependenciesAsync()
    {
        try
        {
            foreach (var dependency in Job.Spec!.DependsOn ?? [])
            {
                if (!JobDependencies.IsWaiting(Job)) break;
                var status = await grains.GetGrain<IJobGrain>(dependency).AddDependent(Job.Id);
                if (status is null || status.Value.IsTerminal())
                    await writer.ChangeAsync(job => JobDependencies.Apply(job, dependency, status, time.GetUtcNow()));
            }
            await writer.ChangeAsync(JobLifecycle.Registered);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Job {JobId} could not register with its dependencies; the sweeper tries again", Job.Id);
        }
    }
}

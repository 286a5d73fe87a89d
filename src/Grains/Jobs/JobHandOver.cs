using OrleansJobs.Batches;

namespace OrleansJobs.Jobs;

/// <summary>
/// What a finished job owes other grains: its completion callback, its batch, and the jobs waiting for it. The job
/// grain records that it owes them (<see cref="JobState.HandOverPending"/>) in the write that finishes it, and clears it
/// once <see cref="DeliverAsync"/> has gone through; until then the sweeper wakes it to deliver again. Every receiver
/// ignores a repeat, so delivering everything again after a partial failure is safe.
/// </summary>
public static class JobHandOver
{
    /// <summary>Whether a job that has just finished owes anyone a hand-over.</summary>
    public static bool IsOwed(JobState job) =>
        job.Spec is { } spec && (spec.CallbackUrl is not null || spec.BatchId is not null || job.Dependents.Count > 0);

    /// <summary>Hands <paramref name="finished"/> (a copy the receivers may keep) to each; throws if any could not take it.</summary>
    public static async Task DeliverAsync(IGrainFactory grains, JobState finished)
    {
        var spec = finished.Spec!;
        if (spec.CallbackUrl is not null) await grains.GetGrain<IJobCallbackGrain>(finished.Id).Deliver(finished);
        if (spec.BatchId is { } batchId) await grains.GetGrain<IBatchGrain>(batchId).MemberFinished(BatchMemberOutcome.Of(finished));
        if (finished.Dependents.Count > 0)
            await Task.WhenAll(finished.Dependents.Select(d => grains.GetGrain<IJobGrain>(d).DependencyFinished(finished.Id, finished.Status)));
    }
}

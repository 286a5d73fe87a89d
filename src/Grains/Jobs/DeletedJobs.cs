using OrleansJobs.Batches;
using OrleansJobs.Storage;

namespace OrleansJobs.Jobs;

/// <summary>
/// After jobs' rows are deleted (retention, or an operator's bulk delete), what else they left goes too. Their grains
/// may still be active (a client polling a finished job keeps one so) and would answer from memory: each is told to go
/// (<see cref="IJobGrain.Forget"/>). One that is not active is activated to learn there is nothing, and goes at once. A
/// stale activation could not write its job back anyway: its update expects a row version that is gone. A job that had
/// a completion callback has its delivery record cleared (<see cref="IJobCallbackGrain.Forget"/>), and each batch a
/// deleted job belonged to is asked to delete its record once none of its jobs remain (<see cref="IBatchGrain.MembersDeleted"/>).
/// </summary>
public static class DeletedJobs
{
    /// <summary>Clears what <paramref name="jobs"/> left, 64 at a time; a failure is logged, not thrown.</summary>
    public static async Task ForgetAsync(IGrainFactory grains, IEnumerable<DeletedJob> jobs, ILogger logger)
    {
        var batches = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in jobs.Chunk(64))
        {
            await Task.WhenAll(chunk.Select(job => TryAsync(() => ForgetOneAsync(grains, job), "job", job.Id, logger)));
            batches.UnionWith(chunk.Select(job => job.BatchId).OfType<string>());
        }
        foreach (var chunk in batches.Chunk(64))
            await Task.WhenAll(chunk.Select(id => TryAsync(() => grains.GetGrain<IBatchGrain>(id).MembersDeleted(), "batch", id, logger)));
    }

    private static async Task ForgetOneAsync(IGrainFactory grains, DeletedJob job)
    {
        await grains.GetGrain<IJobGrain>(job.Id).Forget();
        if (job.HadCallback) await grains.GetGrain<IJobCallbackGrain>(job.Id).Forget();
    }

    private static async Task TryAsync(Func<Task> forget, string what, string id, ILogger logger)
    {
        try { await forget(); }
        catch (Exception ex) { logger.LogWarning(ex, "Could not clear what deleted {What} {Id} left; the next deletion or its activation going idle does", what, id); }
    }
}

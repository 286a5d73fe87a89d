namespace OrleansJobs.Jobs;

/// <summary>
/// After jobs' rows are deleted (retention, or an operator's bulk delete), their grains may still be active (a client
/// polling a finished job keeps one so) and would answer from memory: each is told to go (<see cref="IJobGrain.Forget"/>).
/// One that is not active is activated to learn there is nothing, and goes at once. A stale activation could not write
/// its job back anyway: its update expects a row version that is gone.
/// </summary>
public static class DeletedJobs
{
    /// <summary>Tells the grains of <paramref name="jobIds"/> to forget their jobs, 64 at a time; a failure is logged, not thrown.</summary>
    public static async Task ForgetAsync(IGrainFactory grains, IEnumerable<string> jobIds, ILogger logger)
    {
        foreach (var chunk in jobIds.Chunk(64))
            await Task.WhenAll(chunk.Select(id => ForgetOneAsync(grains, id, logger)));
    }

    private static async Task ForgetOneAsync(IGrainFactory grains, string jobId, ILogger logger)
    {
        try { await grains.GetGrain<IJobGrain>(jobId).Forget(); }
        catch (Exception ex) { logger.LogWarning(ex, "Could not tell deleted job {JobId} to forget itself; its activation goes when idle", jobId); }
    }
}

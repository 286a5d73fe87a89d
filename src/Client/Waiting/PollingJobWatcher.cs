namespace OrleansJobs.Client;

/// <summary>Reads the job until it has finished, pausing between reads from <c>MinPollInterval</c>, doubling up to <c>MaxPollInterval</c>.</summary>
internal sealed class PollingJobWatcher(
    Func<string, CancellationToken, Task<JobInfo>> get, OrleansJobsClientOptions options, TimeProvider time) : IJobWatcher
{
    public async Task<JobInfo> WaitAsync(string jobId, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var pause = options.MinPollInterval;
        var job = await get(jobId, cancellationToken).ConfigureAwait(false);
        while (!job.IsFinished)
        {
            var left = deadline - time.GetUtcNow();
            if (left <= TimeSpan.Zero)
                return job;
            await Task.Delay(pause < left ? pause : left, time, cancellationToken).ConfigureAwait(false);
            job = await get(jobId, cancellationToken).ConfigureAwait(false);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, options.MaxPollInterval.Ticks));
        }
        return job;
    }
}

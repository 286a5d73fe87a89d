namespace OrleansJobs.Client;

/// <summary>
/// Follows the job's live events until a terminal one, then reads the finished job. When the hub cannot be reached,
/// or is lost for good on the way, it polls instead until the deadline.
/// </summary>
internal sealed class PushJobWatcher(
    Func<string, CancellationToken, IAsyncEnumerable<JobEvent>> watch,
    Func<string, CancellationToken, Task<JobInfo>> get,
    IJobWatcher fallback,
    TimeProvider time) : IJobWatcher
{
    public async Task<JobInfo> WaitAsync(string jobId, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var left = deadline == DateTimeOffset.MaxValue ? Timeout.InfiniteTimeSpan : TimeSpan.FromTicks(Math.Max(0, (deadline - time.GetUtcNow()).Ticks));
        using var timeout = new CancellationTokenSource(left, time);
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await foreach (var jobEvent in watch(jobId, watching.Token).ConfigureAwait(false))
                if (jobEvent.IsFinal) break;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // The deadline passed: the job as it is now tells the caller it is unfinished.
        }
        catch (JobEventsUnavailableException)
        {
            return await fallback.WaitAsync(jobId, deadline, cancellationToken).ConfigureAwait(false);
        }
        return await get(jobId, cancellationToken).ConfigureAwait(false);
    }
}

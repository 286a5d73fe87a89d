namespace OrleansJobs.Client;

/// <summary>
/// A way of learning that a job has finished: the service's live events (<see cref="PushJobWatcher"/>), with polling
/// (<see cref="PollingJobWatcher"/>) behind them for when the hub cannot be reached.
/// </summary>
internal interface IJobWatcher
{
    /// <summary>Returns the job once it has finished, or as last seen when <paramref name="deadline"/> passes first.</summary>
    Task<JobInfo> WaitAsync(string jobId, DateTimeOffset deadline, CancellationToken cancellationToken);
}

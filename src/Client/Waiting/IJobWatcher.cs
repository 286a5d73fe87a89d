namespace OrleansJobs.Client;

/// <summary>
/// A way of learning that a job has finished. Polling is the one there is; a push path over the service's SignalR hub is
/// to go in front of it, with polling kept behind for when the hub cannot be reached.
/// </summary>
internal interface IJobWatcher
{
    /// <summary>Returns the job once it has finished, or as last seen when <paramref name="deadline"/> passes first.</summary>
    Task<JobInfo> WaitAsync(string jobId, DateTimeOffset deadline, CancellationToken cancellationToken);
}

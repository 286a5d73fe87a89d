namespace OrleansJobs.Client;

/// <summary>
/// A wait for a job ran out of time before the job finished. The job goes on running; <see cref="Job"/> is its state
/// when the wait gave up, so the caller still has its id.
/// </summary>
/// <param name="job">The job as last seen.</param>
/// <param name="timeout">How long the caller waited.</param>
public sealed class JobWaitTimeoutException(JobInfo job, TimeSpan timeout)
    : TimeoutException($"Job '{job.Id}' did not finish within {timeout}; it is {job.Status}.")
{
    /// <summary>The job as last seen, still unfinished.</summary>
    public JobInfo Job { get; } = job;

    /// <summary>How long the caller waited.</summary>
    public TimeSpan Timeout { get; } = timeout;
}

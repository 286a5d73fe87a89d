namespace OrleansJobs.Jobs;

/// <summary>The lifecycle states of a job. Succeeded, Failed and Cancelled are terminal.</summary>
public enum JobStatus
{
    /// <summary>Waiting for its start time or for a retry backoff to elapse.</summary>
    Scheduled,
    /// <summary>Ready to run, waiting for a slot.</summary>
    Queued,
    Running,
    Succeeded,
    /// <summary>Attempts exhausted or not retryable: the dead-letter set.</summary>
    Failed,
    Cancelled,
}

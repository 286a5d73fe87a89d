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

/// <summary>How one attempt ended.</summary>
public enum AttemptOutcome
{
    Succeeded,
    Failed,
    TimedOut,
    Cancelled,
    /// <summary>The silo running the attempt died; found by crash recovery.</summary>
    Lost,
    /// <summary>Stopped by a graceful shutdown; not counted against the job's attempts.</summary>
    Interrupted,
}

public static class JobStatusExtensions
{
    public static bool IsTerminal(this JobStatus status) =>
        status is JobStatus.Succeeded or JobStatus.Failed or JobStatus.Cancelled;
}

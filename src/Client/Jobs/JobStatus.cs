namespace OrleansJobs.Client;

/// <summary>The lifecycle states of a job. <see cref="Succeeded"/>, <see cref="Failed"/> and <see cref="Cancelled"/> are terminal.</summary>
public enum JobStatus
{
    /// <summary>Waiting for its start time (<see cref="SubmitOptions.RunAt"/>) or for a retry backoff to elapse.</summary>
    Scheduled,

    /// <summary>Ready to run, waiting for a slot in its queue.</summary>
    Queued,

    /// <summary>A handler is running an attempt of it.</summary>
    Running,

    /// <summary>Finished: an attempt succeeded, and <see cref="JobInfo.Result"/> holds what it returned.</summary>
    Succeeded,

    /// <summary>Finished: its attempts are exhausted or its error is not retryable (the dead-letter set). It can be retried.</summary>
    Failed,

    /// <summary>Finished: cancelled before it could succeed or fail. It can be retried.</summary>
    Cancelled,
}

/// <summary>How one attempt of a job ended.</summary>
public enum AttemptOutcome
{
    /// <summary>The handler returned a result.</summary>
    Succeeded,

    /// <summary>The handler threw.</summary>
    Failed,

    /// <summary>The attempt ran longer than the job's timeout.</summary>
    TimedOut,

    /// <summary>The job was cancelled while the attempt ran.</summary>
    Cancelled,

    /// <summary>The silo running the attempt died; crash recovery found it.</summary>
    Lost,

    /// <summary>A graceful silo shutdown stopped the attempt; it does not count against the job's attempts.</summary>
    Interrupted,
}

/// <summary>Helpers on <see cref="JobStatus"/>.</summary>
public static class JobStatusExtensions
{
    /// <summary>True for the statuses a job never leaves on its own: <see cref="JobStatus.Succeeded"/>, <see cref="JobStatus.Failed"/>, <see cref="JobStatus.Cancelled"/>.</summary>
    /// <param name="status">The status to test.</param>
    public static bool IsTerminal(this JobStatus status) =>
        status is JobStatus.Succeeded or JobStatus.Failed or JobStatus.Cancelled;
}

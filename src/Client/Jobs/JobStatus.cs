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

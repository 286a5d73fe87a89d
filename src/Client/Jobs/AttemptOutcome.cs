namespace OrleansJobs.Client;

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

namespace OrleansJobs.Jobs;

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

namespace OrleansJobs.Jobs;

/// <summary>Why a running attempt was told to stop; the first reason wins, and decides how the attempt ends.</summary>
public enum AttemptStopReason
{
    /// <summary>Not told to stop: the handler ended by itself.</summary>
    None,
    /// <summary>The job was cancelled.</summary>
    Cancel,
    /// <summary>The attempt ran past the job's timeout.</summary>
    Timeout,
    /// <summary>The activation is going away (silo shutdown, deactivation).</summary>
    Shutdown,
}

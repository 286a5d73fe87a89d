namespace OrleansJobs.Jobs;

/// <summary>Where a job activation's attempt loop is (see <see cref="AttemptLoopState"/>).</summary>
public enum AttemptLoopPhase
{
    /// <summary>No loop runs.</summary>
    Idle,
    /// <summary>The loop runs a pass: an attempt, or the wait for one.</summary>
    Running,
    /// <summary>The loop runs a pass and another was asked for meanwhile.</summary>
    RunAgain,
}

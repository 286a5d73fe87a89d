namespace OrleansJobs.Schedules;

/// <summary>What a schedule does when an occurrence comes due while the job of the one before has not finished.</summary>
public enum OverlapPolicy
{
    /// <summary>Fire anyway: jobs of successive occurrences may run side by side.</summary>
    Allow,
    /// <summary>Drop this occurrence.</summary>
    Skip,
    /// <summary>Hold this occurrence and fire it as soon as the previous job is terminal; at most one occurrence waits.</summary>
    Wait,
}

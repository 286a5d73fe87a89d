namespace OrleansJobs.Schedules;

/// <summary>What a schedule does about occurrences it missed while no silo could fire them (downtime, a long pause of the silo).</summary>
public enum MisfirePolicy
{
    /// <summary>The missed occurrences fire once, together, as one catch-up job as soon as the schedule runs again.</summary>
    FireOnce,
    /// <summary>The missed occurrences are dropped; the schedule goes on with its next occurrence.</summary>
    Skip,
}

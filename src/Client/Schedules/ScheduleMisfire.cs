namespace OrleansJobs.Client;

/// <summary>What a schedule does with occurrences it missed while no silo could fire them.</summary>
public enum ScheduleMisfire
{
    /// <summary>They fire once, together, as one catch-up job (tagged <c>missedOccurrences</c>).</summary>
    FireOnce,
    /// <summary>They are dropped; the schedule goes on with its next occurrence.</summary>
    Skip,
}

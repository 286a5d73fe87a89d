namespace OrleansJobs.Client;

/// <summary>What a schedule does when an occurrence comes due while the previous occurrence's job has not finished.</summary>
public enum ScheduleOverlap
{
    /// <summary>Fire anyway.</summary>
    Allow,
    /// <summary>Drop the occurrence.</summary>
    Skip,
    /// <summary>Fire it as soon as the previous job finishes; at most one occurrence waits, later ones are dropped.</summary>
    Wait,
}

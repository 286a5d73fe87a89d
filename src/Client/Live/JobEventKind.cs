namespace OrleansJobs.Client;

/// <summary>What a <see cref="JobEvent"/> reports.</summary>
public enum JobEventKind
{
    /// <summary>The job's status changed, or this is the job's current state sent when watching starts.</summary>
    Status,

    /// <summary>The running handler reported progress (the service sends at most about ten a second, keeping the last).</summary>
    Progress,
}

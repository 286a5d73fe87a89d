namespace OrleansJobs.Jobs;

/// <summary>What a <see cref="JobEvent"/> reports.</summary>
public enum JobEventKind
{
    /// <summary>The job's status changed (never coalesced).</summary>
    Status,

    /// <summary>The running handler reported progress (coalesced to at most ~10 a second; the last one is kept).</summary>
    Progress,
}

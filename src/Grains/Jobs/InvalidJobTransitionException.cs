namespace OrleansJobs.Jobs;

/// <summary>A lifecycle move that the table does not allow.</summary>
public sealed class InvalidJobTransitionException(string jobId, JobStatus from, string what)
    : InvalidOperationException($"Job '{jobId}' is {from}: cannot {what}.");

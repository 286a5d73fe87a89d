namespace OrleansJobs.Client;

/// <summary>No batch has the id (HTTP 404).</summary>
/// <param name="problem">The answer's status and problem details.</param>
/// <param name="batchId">The id that was asked for.</param>
public sealed class BatchNotFoundException(JobProblem problem, string batchId) : OrleansJobsException(problem)
{
    /// <summary>The id that was asked for.</summary>
    public string BatchId { get; } = batchId;
}

namespace OrleansJobs.Client;

/// <summary>No job has the id (HTTP 404).</summary>
/// <param name="problem">The answer's status and problem details.</param>
/// <param name="jobId">The id that was asked for, when the call named one.</param>
public sealed class JobNotFoundException(JobProblem problem, string? jobId) : OrleansJobsException(problem)
{
    /// <summary>The id that was asked for.</summary>
    public string? JobId { get; } = jobId;
}

namespace OrleansJobs.Client;

/// <summary>The job's current status does not allow the operation, such as cancelling a finished job (HTTP 409).</summary>
/// <param name="problem">The answer's status and problem details.</param>
/// <param name="jobId">The job the call named.</param>
/// <param name="currentStatus">The job's status when the service refused, from the problem's <c>jobStatus</c>.</param>
public sealed class JobConflictException(JobProblem problem, string? jobId, JobStatus? currentStatus) : OrleansJobsException(problem)
{
    /// <summary>The job the call named.</summary>
    public string? JobId { get; } = jobId;

    /// <summary>The job's status when the service refused, or null if the service did not say.</summary>
    public JobStatus? CurrentStatus { get; } = currentStatus;
}

namespace OrleansJobs.Jobs;

/// <summary>The job's current status does not allow the requested operation (HTTP 409).</summary>
[GenerateSerializer]
public sealed class JobConflictException(string jobId, JobStatus status, string message) : Exception(message)
{
    [Id(0)] public string JobId { get; } = jobId;
    [Id(1)] public JobStatus Status { get; } = status;
}

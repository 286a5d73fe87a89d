namespace OrleansJobs.Jobs;

/// <summary>No job has this id.</summary>
[GenerateSerializer]
public sealed class JobNotFoundException(string jobId) : Exception($"Job '{jobId}' does not exist.")
{
    [Id(0)] public string JobId { get; } = jobId;
}

/// <summary>The job's current status does not allow the requested operation (HTTP 409).</summary>
[GenerateSerializer]
public sealed class JobConflictException(string jobId, JobStatus status, string message) : Exception(message)
{
    [Id(0)] public string JobId { get; } = jobId;
    [Id(1)] public JobStatus Status { get; } = status;
}

/// <summary>The silo is shutting down or its storage is unreachable (HTTP 503).</summary>
[GenerateSerializer]
public sealed class JobServiceUnavailableException(string message) : Exception(message);

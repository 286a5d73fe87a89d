using OrleansJobs.Jobs;

namespace OrleansJobs.Workers;

/// <summary>The lease a worker named is not the job's open attempt any more (it expired and the job moved on): HTTP 409.</summary>
[GenerateSerializer]
public sealed class LeaseLostException(string jobId, JobStatus status, string message) : Exception(message)
{
    [Id(0)] public string JobId { get; } = jobId;
    [Id(1)] public JobStatus Status { get; } = status;
}

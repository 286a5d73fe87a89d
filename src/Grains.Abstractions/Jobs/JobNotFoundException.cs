namespace OrleansJobs.Jobs;

/// <summary>No job has this id.</summary>
[GenerateSerializer]
public sealed class JobNotFoundException(string jobId) : Exception($"Job '{jobId}' does not exist.")
{
    [Id(0)] public string JobId { get; } = jobId;
}

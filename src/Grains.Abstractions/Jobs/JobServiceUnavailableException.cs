namespace OrleansJobs.Jobs;

/// <summary>The silo is shutting down or its storage is unreachable (HTTP 503).</summary>
[GenerateSerializer]
public sealed class JobServiceUnavailableException(string message) : Exception(message);

namespace OrleansJobs.Storage;

/// <summary>The expected version did not match the stored one: another activation wrote the job.</summary>
public sealed class JobVersionConflictException(string jobId, long expected, long? actual)
    : Exception($"Job '{jobId}' was written concurrently (expected version {expected}, found {actual?.ToString() ?? "none"}).");

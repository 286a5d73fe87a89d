namespace OrleansJobs.Storage;

/// <summary>A job row as stored, with the version used for optimistic concurrency.</summary>
public sealed record StoredJob(JobState State, long Version);

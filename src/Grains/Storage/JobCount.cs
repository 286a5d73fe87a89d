namespace OrleansJobs.Storage;

/// <summary>How many jobs of a queue are in a status.</summary>
public sealed record JobCount(string Queue, JobStatus Status, long Count);

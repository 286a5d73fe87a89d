namespace OrleansJobs.Storage;

/// <summary>
/// A job whose row was deleted (retention, or an operator's bulk delete), with what it leaves elsewhere: the batch it
/// was a member of (<see cref="JobSpec.BatchId"/>), and whether it had a completion callback, whose delivery record
/// lives in grain storage.
/// </summary>
public sealed record DeletedJob(string Id, string? BatchId, bool HadCallback);

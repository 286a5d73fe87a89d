namespace OrleansJobs.Storage;

/// <summary>A Queued or Running job of a queue, as its queue grain needs it to rebuild who holds a slot and who waits.</summary>
public sealed record QueueMember(string JobId, JobStatus Status, int Priority, string? ConcurrencyKey, DateTimeOffset CreatedAt, string Owner);

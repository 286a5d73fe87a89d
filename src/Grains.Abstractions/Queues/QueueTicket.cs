namespace OrleansJobs.Queues;

/// <summary>A job asking its queue for a slot: what the queue orders waiters by, and where the job runs.</summary>
[GenerateSerializer, Immutable]
public sealed record QueueTicket(
    [property: Id(0)] string JobId,
    [property: Id(1)] int Priority,
    [property: Id(2)] string? ConcurrencyKey,
    [property: Id(3)] DateTimeOffset EnqueuedAt,
    [property: Id(4)] string Silo);

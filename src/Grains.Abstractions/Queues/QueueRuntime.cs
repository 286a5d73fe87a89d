namespace OrleansJobs.Queues;

/// <summary>A queue's settings and what its grain holds right now.</summary>
[GenerateSerializer, Immutable]
public sealed record QueueRuntime(
    [property: Id(0)] QueueSettings Settings,
    // Jobs holding a slot (running, or granted and about to run).
    [property: Id(1)] int Holding,
    // Jobs waiting for a slot.
    [property: Id(2)] int Waiting);

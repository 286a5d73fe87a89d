namespace OrleansJobs.Queues;

/// <summary>A queue's settings and what its grain holds right now.</summary>
[GenerateSerializer, Immutable]
public sealed record QueueRuntime(
    [property: Id(0)] QueueSettings Settings,
    /// <summary>Jobs holding a slot (running, or granted and about to run).</summary>
    [property: Id(1)] int Holding,
    /// <summary>Jobs waiting for a slot.</summary>
    [property: Id(2)] int Waiting);

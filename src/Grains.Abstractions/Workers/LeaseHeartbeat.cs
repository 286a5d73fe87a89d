namespace OrleansJobs.Workers;

/// <summary>The answer to a worker's heartbeat: when its lease now runs out, and whether it should stop.</summary>
[GenerateSerializer, Immutable]
public sealed record LeaseHeartbeat(
    [property: Id(0)] DateTimeOffset LeaseExpiresAt,
    [property: Id(1)] bool CancelRequested);

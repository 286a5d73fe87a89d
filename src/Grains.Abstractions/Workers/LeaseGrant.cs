namespace OrleansJobs.Workers;

/// <summary>A job leased to a worker: what it needs to run the attempt and to report on it.</summary>
[GenerateSerializer, Immutable]
public sealed record LeaseGrant(
    [property: Id(0)] string JobId,
    [property: Id(1)] string Type,
    [property: Id(2)] string? Payload,
    [property: Id(3)] int Attempt,
    [property: Id(4)] string LeaseId,
    [property: Id(5)] DateTimeOffset LeaseExpiresAt,
    [property: Id(6)] string? TraceParent,
    [property: Id(7)] string? CorrelationId);

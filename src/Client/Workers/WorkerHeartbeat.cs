namespace OrleansJobs.Client;

/// <summary>The answer to a worker's heartbeat (the service writes it, the .NET worker reads it): when the lease now runs out, and whether the handler should stop.</summary>
internal sealed record WorkerHeartbeat(DateTimeOffset LeaseExpiresAt, bool CancelRequested);

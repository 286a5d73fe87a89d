namespace OrleansJobs.Server.Api;

/// <summary>The answer to a worker's heartbeat: when its lease runs out, and whether it should stop (cancel or timeout).</summary>
public sealed record HeartbeatResponse(DateTimeOffset LeaseExpiresAt, bool CancelRequested);

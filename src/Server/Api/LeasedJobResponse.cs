using System.Text.Json;
using OrleansJobs.Api;
using OrleansJobs.Workers;

namespace OrleansJobs.Server.Api;

/// <summary>A job leased to a worker, as <c>POST /api/workers/lease</c> answers it.</summary>
public sealed record LeasedJobResponse(
    string Id,
    string Type,
    JsonElement? Payload,
    int Attempt,
    string LeaseId,
    DateTimeOffset LeaseExpiresAt,
    string? Traceparent,
    string? CorrelationId)
{
    public static LeasedJobResponse From(LeaseGrant lease) =>
        new(lease.JobId, lease.Type, JobResponse.Json(lease.Payload), lease.Attempt, lease.LeaseId, lease.LeaseExpiresAt, lease.TraceParent, lease.CorrelationId);
}

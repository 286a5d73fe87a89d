using System.Text.Json;

namespace OrleansJobs.Client;

/// <summary>
/// A job leased to a worker (<c>POST /api/workers/lease</c>): what a handler needs to run the attempt. The lease lasts
/// until <see cref="LeaseExpiresAt"/> unless the worker's heartbeats extend it, which <see cref="OrleansJobsClient.RunWorkerAsync"/> does.
/// </summary>
/// <param name="Id">The job's id.</param>
/// <param name="Type">The job type, one of the worker's.</param>
/// <param name="Payload">The payload the job was submitted with, or null when it had none; read it with <see cref="GetPayload{T}"/>.</param>
/// <param name="Attempt">The attempt's number, 1 for the first.</param>
/// <param name="LeaseId">Names this attempt's lease in the worker's heartbeat, complete and fail.</param>
/// <param name="LeaseExpiresAt">When the lease runs out unless extended: the attempt is then recorded Lost and retried.</param>
/// <param name="Traceparent">The W3C trace context of the job's trace, to join it; null when the job has none.</param>
/// <param name="CorrelationId">The correlation id the job was submitted with, or null.</param>
public sealed record JobLease(
    string Id,
    string Type,
    JsonElement? Payload,
    int Attempt,
    string LeaseId,
    DateTimeOffset LeaseExpiresAt,
    string? Traceparent,
    string? CorrelationId)
{
    /// <summary>The payload as a <typeparamref name="T"/>, or default when the job has none.</summary>
    /// <param name="options">How to read it; the web defaults (camelCase) when null.</param>
    /// <exception cref="JsonException">The payload does not fit <typeparamref name="T"/>.</exception>
    public T? GetPayload<T>(JsonSerializerOptions? options = null) =>
        Payload is { ValueKind: not JsonValueKind.Null } payload ? payload.Deserialize<T>(options ?? JsonSerializerOptions.Web) : default;
}

namespace OrleansJobs.Api;

/// <summary>
/// One attempt; <c>spanId</c> is its span in the job's trace (<c>traceId</c>), when tracing is on. An attempt leased to an
/// external worker names the <c>worker</c> and the lease's expiry (<c>leaseExpiresAt</c>).
/// </summary>
public sealed record AttemptResponse(int Number, DateTimeOffset StartedAt, DateTimeOffset? EndedAt, AttemptOutcome? Outcome, ErrorResponse? Error, string? Silo, DateTimeOffset? DueAt, string? SpanId,
    string? Worker = null, DateTimeOffset? LeaseExpiresAt = null)
{
    public static AttemptResponse From(JobAttempt attempt) => new(
        attempt.Number, attempt.StartedAt, attempt.EndedAt, attempt.Outcome,
        attempt.Error is { } error ? ErrorResponse.From(error) : null,
        attempt.Silo, attempt.DueAt, attempt.SpanId, attempt.Worker, attempt.LeaseExpiresAt);
}

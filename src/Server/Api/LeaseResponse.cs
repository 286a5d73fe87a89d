namespace OrleansJobs.Server.Api;

/// <summary>The answer to <c>POST /api/workers/lease</c>: the jobs leased to the worker, none when its wait passed.</summary>
public sealed record LeaseResponse(IReadOnlyList<LeasedJobResponse> Jobs);

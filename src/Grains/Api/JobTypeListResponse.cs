namespace OrleansJobs.Api;

/// <summary><c>GET /api/job-types</c>: every job type some live silo serves, by name, each with those silos.</summary>
public sealed record JobTypeListResponse(IReadOnlyList<JobTypeResponse> Items);

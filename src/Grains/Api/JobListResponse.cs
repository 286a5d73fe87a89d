namespace OrleansJobs.Api;

/// <summary>One page of <c>GET /api/jobs</c>; <c>nextCursor</c> goes back as <c>cursor</c> for the next page, null on the last.</summary>
public sealed record JobListResponse(IReadOnlyList<JobResponse> Items, string? NextCursor);

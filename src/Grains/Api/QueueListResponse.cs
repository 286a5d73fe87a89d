namespace OrleansJobs.Api;

/// <summary><c>GET /api/queues</c>: every queue a job has named or that has limits, by name.</summary>
public sealed record QueueListResponse(IReadOnlyList<QueueResponse> Items);

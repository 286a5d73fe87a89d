namespace OrleansJobs.Api;

/// <summary><c>GET /api/schedules</c>: every schedule.</summary>
public sealed record ScheduleListResponse(IReadOnlyList<ScheduleResponse> Items);

namespace OrleansJobs.Storage;

/// <summary>Listing filter; results are newest first. The cursor is opaque to callers.</summary>
public sealed record JobQuery(JobStatus? Status = null, string? Queue = null, string? Type = null, int Limit = 50, string? Cursor = null);

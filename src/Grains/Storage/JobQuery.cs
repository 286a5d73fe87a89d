namespace OrleansJobs.Storage;

/// <summary>
/// Listing filter; results are newest first. The cursor is opaque to callers. <paramref name="CreatedFrom"/> (inclusive)
/// and <paramref name="CreatedTo"/> (exclusive) bound the creation time; <paramref name="Search"/> matches a job's id, correlation id,
/// idempotency key or batch id exactly; <paramref name="Owner"/> keeps the jobs of one owner (<see cref="JobSpec.Owner"/>);
/// <paramref name="Label"/> the jobs that carry that label (<see cref="JobSpec.Labels"/>), matched exactly.
/// </summary>
public sealed record JobQuery(
    JobStatus? Status = null, string? Queue = null, string? Type = null, int Limit = 50, string? Cursor = null,
    DateTimeOffset? CreatedFrom = null, DateTimeOffset? CreatedTo = null, string? Search = null, string? Owner = null,
    string? Label = null);

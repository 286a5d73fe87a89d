namespace OrleansJobs.Storage;

/// <summary>One page of a listing; <see cref="NextCursor"/> is null on the last page.</summary>
public sealed record JobPage(IReadOnlyList<JobState> Items, string? NextCursor);

namespace OrleansJobs.Bench.Compare;

/// <summary>One attempt as the system recorded it. <paramref name="DueAt"/>: when it was meant to start, if it was delayed.</summary>
public sealed record AttemptTimes(DateTimeOffset StartedAt, DateTimeOffset? EndedAt, DateTimeOffset? DueAt);

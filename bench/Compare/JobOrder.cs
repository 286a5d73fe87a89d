namespace OrleansJobs.Bench.Compare;

/// <summary>
/// A job to submit: its workload (a queue of its own), its number in the workload, and what it does.
/// <paramref name="External"/>: a no-op for the external Node workers (W7) instead of an in-process handler.
/// </summary>
public sealed record JobOrder(string Workload, int Index, DateTimeOffset? RunAt = null, bool FailFirstAttempt = false, bool External = false);

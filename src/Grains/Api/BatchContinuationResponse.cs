namespace OrleansJobs.Api;

/// <summary>The continuation: its job id (fixed by the batch id) and status; Cancelled without a job when the batch was cancelled before it was due.</summary>
public sealed record BatchContinuationResponse(string Id, JobStatus? Status);

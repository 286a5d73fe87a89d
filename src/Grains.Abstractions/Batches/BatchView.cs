using OrleansJobs.Jobs;

namespace OrleansJobs.Batches;

/// <summary>A batch as the API shows it.</summary>
[GenerateSerializer, Immutable]
public sealed record BatchView(
    [property: Id(0)] string Id,
    [property: Id(1)] int Total,
    [property: Id(2)] IReadOnlyDictionary<JobStatus, int> Counts,
    [property: Id(3)] IReadOnlyList<string> Jobs,
    [property: Id(4)] string? ContinuationId,
    // The continuation's status; null before it is submitted, Cancelled when the batch was cancelled first.
    [property: Id(5)] JobStatus? ContinuationStatus,
    [property: Id(6)] bool Cancelled,
    [property: Id(7)] DateTimeOffset CreatedAt,
    // When the last member ended.
    [property: Id(8)] DateTimeOffset? CompletedAt)
{
    /// <summary>Members that have ended.</summary>
    public int Finished => Counts.Where(c => c.Key.IsTerminal()).Sum(c => c.Value);
}

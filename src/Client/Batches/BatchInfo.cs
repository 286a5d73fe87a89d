namespace OrleansJobs.Client;

/// <summary>A batch as the service reports it: how far its members have got, and its continuation.</summary>
public sealed record BatchInfo
{
    /// <summary>The batch's id, <c>batch_</c> followed by 32 hex digits.</summary>
    public required string Id { get; init; }

    /// <summary>How many members the batch has.</summary>
    public int Total { get; init; }

    /// <summary>How many members have finished (succeeded, failed or been cancelled).</summary>
    public int Finished { get; init; }

    /// <summary><see cref="Finished"/> / <see cref="Total"/>, from 0 to 1.</summary>
    public double Progress { get; init; }

    /// <summary>How many members are in each status now (every status, zeros included).</summary>
    public IReadOnlyDictionary<JobStatus, int> Counts { get; init; } = new Dictionary<JobStatus, int>();

    /// <summary>The members' job ids, in the order they were submitted.</summary>
    public IReadOnlyList<string> Jobs { get; init; } = [];

    /// <summary>The continuation, when the batch has one.</summary>
    public BatchContinuation? Continuation { get; init; }

    /// <summary>Whether the batch was cancelled.</summary>
    public bool Cancelled { get; init; }

    /// <summary>When the batch was submitted.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When its last member finished.</summary>
    public DateTimeOffset? CompletedAt { get; init; }
}

namespace OrleansJobs.Client;

/// <summary>One job of a batch, or its continuation, to submit with <see cref="IOrleansJobsClient.SubmitBatchAsync"/>.</summary>
/// <param name="Type">The job type: the name of a handler registered in the silo.</param>
/// <param name="Payload">What the handler gets, serialized with <see cref="OrleansJobsClientOptions.PayloadSerializerOptions"/>; null for none.</param>
/// <param name="Options">How to run the job; null for the service's defaults. Its <see cref="SubmitOptions.IdempotencyKey"/> must be null: a batch's jobs take their ids from the batch.</param>
public sealed record BatchJob(string Type, object? Payload = null, SubmitOptions? Options = null);

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

/// <summary>A batch's continuation: the job that runs once every member has finished, with their outcomes in its payload.</summary>
public sealed record BatchContinuation
{
    /// <summary>The continuation's job id (read it with <see cref="IOrleansJobsClient.GetAsync"/> once it is submitted).</summary>
    public required string Id { get; init; }

    /// <summary>
    /// Its status: null until every member has finished and it is submitted; <see cref="JobStatus.Cancelled"/> without a
    /// job when the batch was cancelled before then.
    /// </summary>
    public JobStatus? Status { get; init; }
}

namespace OrleansJobs.Client;

/// <summary>A batch's continuation: the job that runs once every member has finished, with their outcomes in its payload.</summary>
public sealed record BatchContinuation
{
    /// <summary>The continuation's job id (read it with <see cref="IJobClient.GetAsync"/> once it is submitted).</summary>
    public required string Id { get; init; }

    /// <summary>
    /// Its status: null until every member has finished and it is submitted; <see cref="JobStatus.Cancelled"/> without a
    /// job when the batch was cancelled before then.
    /// </summary>
    public JobStatus? Status { get; init; }
}

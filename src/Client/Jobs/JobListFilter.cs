namespace OrleansJobs.Client;

/// <summary>Which jobs <see cref="IOrleansJobsClient.ListAsync"/> returns. Filters left null match every job.</summary>
public sealed record JobListFilter
{
    /// <summary>Only jobs in this status.</summary>
    public JobStatus? Status { get; init; }

    /// <summary>Only jobs in this queue.</summary>
    public string? Queue { get; init; }

    /// <summary>Only jobs of this type.</summary>
    public string? Type { get; init; }

    /// <summary>Only jobs that carry this label (<see cref="SubmitOptions.Labels"/>), matched exactly, case included.</summary>
    public string? Label { get; init; }

    /// <summary>How many jobs to fetch per request, 1 to 500 (service default: 50). It does not limit how many the listing yields.</summary>
    public int? PageSize { get; init; }

    /// <summary>
    /// Whether the listed jobs carry their payloads (<see cref="JobInfo.Payload"/>); the service leaves them out by
    /// default, so that a page stays small.
    /// </summary>
    public bool IncludePayload { get; init; }

    /// <summary>Whether the listed jobs carry their results (<see cref="JobInfo.Result"/>); left out by default, as payloads are.</summary>
    public bool IncludeResult { get; init; }
}

namespace OrleansJobs.Jobs;

/// <summary>What a client asked for when it submitted a job. Validated before it reaches a grain.</summary>
[GenerateSerializer, Immutable]
public sealed record JobSpec
{
    public const int DefaultMaxAttempts = 3;
    public const string DefaultQueue = "default";

    [Id(0)] public required string Type { get; init; }
    /// <summary>The payload as raw JSON text (kept as a string: JSON elements do not survive grain storage).</summary>
    [Id(1)] public string? Payload { get; init; }
    [Id(2)] public string Queue { get; init; } = DefaultQueue;
    [Id(3)] public int Priority { get; init; }
    [Id(4)] public string? ConcurrencyKey { get; init; }
    [Id(5)] public DateTimeOffset? RunAt { get; init; }
    [Id(6)] public int MaxAttempts { get; init; } = DefaultMaxAttempts;
    [Id(7)] public RetryPolicy Retry { get; init; } = RetryPolicy.Default;
    [Id(8)] public TimeSpan? Timeout { get; init; }
    [Id(9)] public string? IdempotencyKey { get; init; }
    [Id(10)] public string? CorrelationId { get; init; }
    [Id(11)] public string? CallbackUrl { get; init; }
    [Id(12)] public IReadOnlyDictionary<string, string>? Tags { get; init; }
    /// <summary>W3C trace context of the submitting request, so every attempt joins the submitter's trace.</summary>
    [Id(13)] public string? TraceParent { get; init; }
    [Id(14)] public string? TraceState { get; init; }
    /// <summary>The batch this job belongs to (as a member or as its continuation): told when the job finishes.</summary>
    [Id(20)] public string? BatchId { get; init; }
    /// <summary>Jobs that must succeed before this one may run; it waits, Scheduled with no due time, until they have.</summary>
    [Id(21)] public IReadOnlyList<string>? DependsOn { get; init; }
    /// <summary>What becomes of this job when one of <see cref="DependsOn"/> ends Failed or Cancelled.</summary>
    [Id(22)] public DependencyFailure OnDependencyFailure { get; init; }
    /// <summary>
    /// The name of the API key that submitted the job; null for anonymous callers and the application's own code. A key
    /// without <c>admin</c> sees only the jobs it owns, and its idempotency keys are its own (<see cref="JobIds.FromIdempotencyKey"/>).
    /// </summary>
    [Id(23)] public string? Owner { get; init; }
    /// <summary>
    /// Short names to find the job by (<see cref="JobLabels"/>: at most 10, each 1 to 64 letters, digits or <c>-_.:/</c>,
    /// without repeats); the listing filters on one of them. Unlike <see cref="Tags"/>, which are key/value data for the
    /// handler, labels are indexed. Set at submit, never changed.
    /// </summary>
    [Id(24)] public IReadOnlyList<string>? Labels { get; init; }
}

namespace OrleansJobs.Client;

/// <summary>
/// How to run a submitted job. Every member is optional; what is left null takes the service's default.
/// The names match the fields of the <c>POST /api/jobs</c> body.
/// </summary>
public sealed record SubmitOptions
{
    /// <summary>The queue to run in (letters, digits, '.', '_', '-'); the service's default is <c>default</c>.</summary>
    public string? Queue { get; init; }

    /// <summary>The priority within the queue; higher runs first. The service's default is 0.</summary>
    public int? Priority { get; init; }

    /// <summary>Do not start before this time. Cannot be combined with <see cref="Delay"/>.</summary>
    public DateTimeOffset? RunAt { get; init; }

    /// <summary>
    /// Do not start until this long after the submit; the client turns it into <see cref="RunAt"/> by its own clock.
    /// Cannot be combined with <see cref="RunAt"/>.
    /// </summary>
    public TimeSpan? Delay { get; init; }

    /// <summary>How many attempts the job may make, 1 to 100; the service's default is 3.</summary>
    public int? MaxAttempts { get; init; }

    /// <summary>The backoff between failed attempts; members left null take the service's defaults.</summary>
    public RetryOptions? Retry { get; init; }

    /// <summary>How long one attempt may run before it is stopped and counted as timed out.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>
    /// Submitting again with the same key returns the first job and never creates a second. When null the client
    /// makes up a key for this one call, so that retries of the request after a transient error stay safe.
    /// </summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>An id of the caller's, kept with the job and shown in its logs.</summary>
    public string? CorrelationId { get; init; }

    /// <summary>
    /// An absolute http or https URL the service POSTs the finished job to, signed and retried until it is accepted
    /// (the service's README, "Completion callbacks"). Its host must be on the service's allow-list.
    /// </summary>
    public Uri? CallbackUrl { get; init; }

    /// <summary>String tags kept with the job (at most 50).</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    /// <summary>
    /// Names to find the job by: <see cref="JobListFilter.Label"/> lists the jobs that carry one. At most 10, each 1 to
    /// 64 letters, digits, '-', '_', '.', ':' or '/'; repeats are dropped. Refused otherwise with <see cref="JobValidationException"/>.
    /// </summary>
    public IReadOnlyList<string>? Labels { get; init; }

    /// <summary>Jobs that share a concurrency key run one at a time.</summary>
    public string? ConcurrencyKey { get; init; }

    /// <summary>
    /// Ids of jobs (at most 100, submitted before this one) that must succeed before this job runs; it waits as
    /// <see cref="JobStatus.Scheduled"/> with no <see cref="JobInfo.ScheduledAt"/> until they have. An id that names no
    /// job is refused with <see cref="JobValidationException"/>.
    /// </summary>
    public IReadOnlyList<string>? DependsOn { get; init; }

    /// <summary>What the job does when one of <see cref="DependsOn"/> fails or is cancelled; the service's default is <see cref="DependencyFailure.Fail"/>.</summary>
    public DependencyFailure? OnDependencyFailure { get; init; }
}

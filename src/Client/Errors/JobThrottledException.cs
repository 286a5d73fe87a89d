namespace OrleansJobs.Client;

/// <summary>The service is throttling this caller (HTTP 429); try again after <see cref="RetryAfter"/>.</summary>
/// <param name="problem">The answer's status and problem details.</param>
/// <param name="retryAfter">How long to wait, from the <c>Retry-After</c> header.</param>
public sealed class JobThrottledException(JobProblem problem, TimeSpan? retryAfter) : OrleansJobsException(problem)
{
    /// <summary>How long the service asked the caller to wait, or null if it did not say.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;
}

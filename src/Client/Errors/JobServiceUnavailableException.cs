namespace OrleansJobs.Client;

/// <summary>
/// The service cannot take the request now, for instance because the silo is shutting down (HTTP 503);
/// try again after <see cref="RetryAfter"/>, possibly on another silo.
/// </summary>
/// <param name="problem">The answer's status and problem details.</param>
/// <param name="retryAfter">How long to wait, from the <c>Retry-After</c> header.</param>
public sealed class JobServiceUnavailableException(JobProblem problem, TimeSpan? retryAfter) : OrleansJobsException(problem)
{
    /// <summary>How long the service asked the caller to wait, or null if it did not say.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;
}

using System.Net;
using System.Text.Json;

namespace OrleansJobs.Client;

/// <summary>
/// The service answered with an error. Subclasses name the errors a caller can act on; other statuses (such as 500) come
/// as this type. Network failures are not wrapped: they surface as <see cref="HttpRequestException"/>.
/// </summary>
public class OrleansJobsException : Exception
{
    /// <summary>Creates the exception for an error answer.</summary>
    /// <param name="problem">The answer's status and problem details.</param>
    /// <param name="message">The message; by default made of the problem's title and detail.</param>
    public OrleansJobsException(JobProblem problem, string? message = null)
        : base(message ?? Describe(problem)) => Problem = problem;

    /// <summary>The answer's status and problem details as sent.</summary>
    public JobProblem Problem { get; }

    /// <summary>The HTTP status code of the answer.</summary>
    public HttpStatusCode StatusCode => Problem.Status;

    /// <summary>The problem's <c>title</c>: a short summary of the kind of error.</summary>
    public string? Title => Problem.Title;

    /// <summary>The problem's <c>detail</c>: what exactly went wrong.</summary>
    public string? Detail => Problem.Detail;

    /// <summary>The problem's <c>type</c> URI.</summary>
    public string? ProblemType => Problem.Type;

    /// <summary>The whole problem object as sent, or null when the answer had no JSON body.</summary>
    public JsonElement? RawProblem => Problem.Raw;

    private static string Describe(JobProblem problem)
    {
        var summary = $"{problem.Title ?? "The OrleansJobs service answered an error"} ({(int)problem.Status} {problem.Status})";
        return problem.Detail is { Length: > 0 } detail ? $"{summary}: {detail}" : summary;
    }
}

/// <summary>No job has the id (HTTP 404).</summary>
/// <param name="problem">The answer's status and problem details.</param>
/// <param name="jobId">The id that was asked for, when the call named one.</param>
public sealed class JobNotFoundException(JobProblem problem, string? jobId) : OrleansJobsException(problem)
{
    /// <summary>The id that was asked for.</summary>
    public string? JobId { get; } = jobId;
}

/// <summary>No schedule has the name (HTTP 404).</summary>
/// <param name="problem">The answer's status and problem details.</param>
/// <param name="name">The name that was asked for.</param>
public sealed class ScheduleNotFoundException(JobProblem problem, string name) : OrleansJobsException(problem)
{
    /// <summary>The name that was asked for.</summary>
    public string Name { get; } = name;
}

/// <summary>No batch has the id (HTTP 404).</summary>
/// <param name="problem">The answer's status and problem details.</param>
/// <param name="batchId">The id that was asked for.</param>
public sealed class BatchNotFoundException(JobProblem problem, string batchId) : OrleansJobsException(problem)
{
    /// <summary>The id that was asked for.</summary>
    public string BatchId { get; } = batchId;
}

/// <summary>
/// The request was refused as invalid: a field of the submit or listing is wrong (HTTP 400 or 422, see <see cref="Errors"/>),
/// the body is not JSON (400), or the payload is over the service's limit (HTTP 413).
/// </summary>
/// <param name="problem">The answer's status and problem details.</param>
/// <param name="errors">Field name (camelCase; nested as <c>retry.maxDelay</c>) to its messages.</param>
public sealed class JobValidationException(JobProblem problem, IReadOnlyDictionary<string, string[]> errors)
    : OrleansJobsException(problem, Describe(problem, errors))
{
    /// <summary>Field name (camelCase; nested as <c>retry.maxDelay</c>; <c>$</c> for the body as a whole) to its messages. Empty when the request was refused as a whole.</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;

    private static string? Describe(JobProblem problem, IReadOnlyDictionary<string, string[]> errors) =>
        errors.Count == 0
            ? null
            : $"{problem.Title ?? "The request is invalid"} ({(int)problem.Status}): " +
              string.Join("; ", errors.Select(field => $"{field.Key}: {string.Join(" ", field.Value)}"));
}

/// <summary>The job's current status does not allow the operation, such as cancelling a finished job (HTTP 409).</summary>
/// <param name="problem">The answer's status and problem details.</param>
/// <param name="jobId">The job the call named.</param>
/// <param name="currentStatus">The job's status when the service refused, from the problem's <c>jobStatus</c>.</param>
public sealed class JobConflictException(JobProblem problem, string? jobId, JobStatus? currentStatus) : OrleansJobsException(problem)
{
    /// <summary>The job the call named.</summary>
    public string? JobId { get; } = jobId;

    /// <summary>The job's status when the service refused, or null if the service did not say.</summary>
    public JobStatus? CurrentStatus { get; } = currentStatus;
}

/// <summary>The service is throttling this caller (HTTP 429); try again after <see cref="RetryAfter"/>.</summary>
/// <param name="problem">The answer's status and problem details.</param>
/// <param name="retryAfter">How long to wait, from the <c>Retry-After</c> header.</param>
public sealed class JobThrottledException(JobProblem problem, TimeSpan? retryAfter) : OrleansJobsException(problem)
{
    /// <summary>How long the service asked the caller to wait, or null if it did not say.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;
}

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

/// <summary>
/// A wait for a job ran out of time before the job finished. The job goes on running; <see cref="Job"/> is its state
/// when the wait gave up, so the caller still has its id.
/// </summary>
/// <param name="job">The job as last seen.</param>
/// <param name="timeout">How long the caller waited.</param>
public sealed class JobWaitTimeoutException(JobInfo job, TimeSpan timeout)
    : TimeoutException($"Job '{job.Id}' did not finish within {timeout}; it is {job.Status}.")
{
    /// <summary>The job as last seen, still unfinished.</summary>
    public JobInfo Job { get; } = job;

    /// <summary>How long the caller waited.</summary>
    public TimeSpan Timeout { get; } = timeout;
}

using System.Runtime.CompilerServices;

namespace OrleansJobs.Client;

/// <summary>
/// The job operations an application's code uses: submit, wait, read, cancel and retry. <see cref="OrleansJobsClient"/>
/// carries them out over HTTP; an application that hosts the job service itself (the OrleansJobs.Server package) gets
/// one that calls the job grains in its own process, with the same validation, idempotency and errors. Code written
/// against this interface runs with either.
/// </summary>
public interface IJobClient
{
    /// <summary>Submits a job without a payload and returns it as accepted (usually <see cref="JobStatus.Queued"/> or <see cref="JobStatus.Scheduled"/>).</summary>
    /// <param name="type">The job type: the name of a handler registered in the silo, such as <c>noop</c>.</param>
    /// <param name="options">How to run the job; null for the service's defaults.</param>
    /// <param name="cancellationToken">Cancels the request (not the job).</param>
    /// <returns>The job; when <see cref="SubmitOptions.IdempotencyKey"/> was used before, the job first submitted with it.</returns>
    /// <exception cref="JobValidationException">A field is invalid (see <see cref="JobValidationException.Errors"/>), or the payload is too large.</exception>
    /// <exception cref="JobServiceUnavailableException">The silo is shutting down.</exception>
    /// <exception cref="JobThrottledException">The service is throttling this caller.</exception>
    [OverloadResolutionPriority(1)] // SubmitAsync("noop", options) must not read the options as a payload.
    Task<JobInfo> SubmitAsync(string type, SubmitOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Submits a job with a payload serialized as JSON and returns it as accepted.</summary>
    /// <typeparam name="TPayload">The payload's type; it is serialized with <see cref="OrleansJobsClientOptions.PayloadSerializerOptions"/>.</typeparam>
    /// <param name="type">The job type: the name of a handler registered in the silo, such as <c>delay</c>.</param>
    /// <param name="payload">What the handler gets.</param>
    /// <param name="options">How to run the job; null for the service's defaults.</param>
    /// <param name="cancellationToken">Cancels the request (not the job).</param>
    /// <returns>The job; when <see cref="SubmitOptions.IdempotencyKey"/> was used before, the job first submitted with it.</returns>
    /// <exception cref="JobValidationException">A field is invalid (see <see cref="JobValidationException.Errors"/>), or the payload is too large.</exception>
    /// <exception cref="JobServiceUnavailableException">The silo is shutting down.</exception>
    /// <exception cref="JobThrottledException">The service is throttling this caller.</exception>
    Task<JobInfo> SubmitAsync<TPayload>(string type, TPayload payload, SubmitOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Reads a job: its status, progress, attempts, and result or error.</summary>
    /// <param name="jobId">The job's id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="JobNotFoundException">No job has the id.</exception>
    Task<JobInfo> GetAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>Cancels a job that has not finished; a running handler sees its cancellation token fire.</summary>
    /// <param name="jobId">The job's id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The cancelled job.</returns>
    /// <exception cref="JobNotFoundException">No job has the id.</exception>
    /// <exception cref="JobConflictException">The job has already finished (see <see cref="JobConflictException.CurrentStatus"/>).</exception>
    Task<JobInfo> CancelAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>Runs a <see cref="JobStatus.Failed"/> or <see cref="JobStatus.Cancelled"/> job again, keeping its attempt history.</summary>
    /// <param name="jobId">The job's id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The job, queued again.</returns>
    /// <exception cref="JobNotFoundException">No job has the id.</exception>
    /// <exception cref="JobConflictException">The job is not Failed or Cancelled (see <see cref="JobConflictException.CurrentStatus"/>).</exception>
    Task<JobInfo> RetryAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Submits a job without a payload and waits for it to finish: over HTTP the service holds each request open while
    /// the job runs (<c>?wait=</c>) and the client asks again, with the same idempotency key, whenever a request's wait
    /// ends first; in process the wait is on the job's grain.
    /// </summary>
    /// <param name="type">The job type.</param>
    /// <param name="timeout">How long to wait in all, or <see cref="Timeout.InfiniteTimeSpan"/>.</param>
    /// <param name="options">How to run the job; null for the service's defaults.</param>
    /// <param name="cancellationToken">Cancels the wait (not the job).</param>
    /// <returns>The finished job: <see cref="JobStatus.Succeeded"/>, <see cref="JobStatus.Failed"/> or <see cref="JobStatus.Cancelled"/>.</returns>
    /// <exception cref="JobWaitTimeoutException">The job had not finished within <paramref name="timeout"/>; it goes on, and the exception holds it.</exception>
    /// <exception cref="JobValidationException">A field is invalid, or the payload is too large.</exception>
    /// <exception cref="JobServiceUnavailableException">The silo is shutting down.</exception>
    Task<JobInfo> SubmitAndWaitAsync(string type, TimeSpan timeout, SubmitOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Submits a job with a payload and waits for it to finish, as <see cref="SubmitAndWaitAsync(string, TimeSpan, SubmitOptions?, CancellationToken)"/> does.
    /// </summary>
    /// <typeparam name="TPayload">The payload's type.</typeparam>
    /// <param name="type">The job type.</param>
    /// <param name="payload">What the handler gets.</param>
    /// <param name="timeout">How long to wait in all, or <see cref="Timeout.InfiniteTimeSpan"/>.</param>
    /// <param name="options">How to run the job; null for the service's defaults.</param>
    /// <param name="cancellationToken">Cancels the wait (not the job).</param>
    /// <returns>The finished job: <see cref="JobStatus.Succeeded"/>, <see cref="JobStatus.Failed"/> or <see cref="JobStatus.Cancelled"/>.</returns>
    /// <exception cref="JobWaitTimeoutException">The job had not finished within <paramref name="timeout"/>; it goes on, and the exception holds it.</exception>
    /// <exception cref="JobValidationException">A field is invalid, or the payload is too large.</exception>
    /// <exception cref="JobServiceUnavailableException">The silo is shutting down.</exception>
    Task<JobInfo> SubmitAndWaitAsync<TPayload>(string type, TPayload payload, TimeSpan timeout, SubmitOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Waits for a submitted job to finish. Over HTTP it follows the job's live events over the service's hub, and when
    /// the hub cannot be reached it reads the job instead with a growing pause between reads; in process the wait is
    /// on the job's grain.
    /// </summary>
    /// <param name="jobId">The job's id.</param>
    /// <param name="timeout">How long to wait, or <see cref="Timeout.InfiniteTimeSpan"/>.</param>
    /// <param name="cancellationToken">Cancels the wait (not the job).</param>
    /// <returns>The finished job: <see cref="JobStatus.Succeeded"/>, <see cref="JobStatus.Failed"/> or <see cref="JobStatus.Cancelled"/>.</returns>
    /// <exception cref="JobWaitTimeoutException">The job had not finished within <paramref name="timeout"/>; it goes on, and the exception holds it.</exception>
    /// <exception cref="JobNotFoundException">No job has the id.</exception>
    Task<JobInfo> WaitForCompletionAsync(string jobId, TimeSpan timeout, CancellationToken cancellationToken = default);
}

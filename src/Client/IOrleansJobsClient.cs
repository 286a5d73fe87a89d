using System.Runtime.CompilerServices;

namespace OrleansJobs.Client;

/// <summary>
/// The OrleansJobs service over HTTP and its SignalR hub: submit jobs, read them, list them, cancel and retry them, watch
/// them live and wait for them to finish. Errors the service answers with come as <see cref="OrleansJobsException"/>
/// subclasses; network failures as <see cref="HttpRequestException"/> (or, for the hub, <see cref="JobEventsUnavailableException"/>). Blocking forms of these methods are in <see cref="OrleansJobsClientSyncExtensions"/>.
/// </summary>
public interface IOrleansJobsClient : IJobClient
{
    /// <summary>
    /// Lists jobs, newest first, fetching page after page (following the service's <c>nextCursor</c>) as the caller
    /// enumerates; stop enumerating to stop fetching.
    /// </summary>
    /// <param name="filter">Which jobs to list, and how many to fetch per request; null for every job.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <exception cref="JobValidationException">A filter value is invalid, such as a page size over 500.</exception>
    IAsyncEnumerable<JobInfo> ListAsync(JobListFilter? filter = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Submits many jobs as one batch, and optionally a continuation that runs once every member has finished (succeeded,
    /// failed or been cancelled), with the members' outcomes in its payload: <c>{ batchId, payload, members: [ { id,
    /// status, result, error } ] }</c>, <c>payload</c> being the continuation's own.
    /// </summary>
    /// <param name="jobs">The members, 1 to 10,000.</param>
    /// <param name="continuation">The job to run after them; null for none. It cannot have <see cref="SubmitOptions.DependsOn"/>.</param>
    /// <param name="idempotencyKey">Submitting again with the same key returns the first batch and creates no job twice; when null the client makes one up for this call.</param>
    /// <param name="cancellationToken">Cancels the request (not the batch).</param>
    /// <returns>The batch as accepted, with its member ids.</returns>
    /// <exception cref="JobValidationException">A member is invalid: <see cref="JobValidationException.Errors"/> names it by its place, as <c>jobs[3].type</c>.</exception>
    /// <exception cref="JobServiceUnavailableException">The silo is shutting down.</exception>
    Task<BatchInfo> SubmitBatchAsync(IReadOnlyList<BatchJob> jobs, BatchJob? continuation = null, string? idempotencyKey = null, CancellationToken cancellationToken = default);

    /// <summary>Reads a batch: its members' statuses, its progress, and its continuation.</summary>
    /// <param name="batchId">The batch's id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="BatchNotFoundException">No batch has the id.</exception>
    Task<BatchInfo> GetBatchAsync(string batchId, CancellationToken cancellationToken = default);

    /// <summary>Cancels every member of a batch that has not finished, and its continuation unless that has started.</summary>
    /// <param name="batchId">The batch's id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The batch, cancelled (members being cancelled may still show their former status for a moment).</returns>
    /// <exception cref="BatchNotFoundException">No batch has the id.</exception>
    Task<BatchInfo> CancelBatchAsync(string batchId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Watches a job live over the service's SignalR hub: first its current state, then every status change and progress
    /// report, ending after the event of a terminal status (at once if the job has already finished). When the connection
    /// drops, the client reconnects and subscribes again, and the watch goes on: it never yields an event twice or out of
    /// order (each has a higher <see cref="JobEvent.Sequence"/> than the one before), and the current state sent on
    /// reconnecting stands in for anything missed meanwhile. All watches of one client share one hub connection, made on
    /// the first watch.
    /// </summary>
    /// <param name="jobId">The job's id.</param>
    /// <param name="cancellationToken">Stops the watch (not the job).</param>
    /// <returns>The job's events, in increasing sequence.</returns>
    /// <exception cref="JobNotFoundException">No job has the id.</exception>
    /// <exception cref="JobEventsUnavailableException">The hub cannot be reached, or was lost and could not be reached again.</exception>
    IAsyncEnumerable<JobEvent> WatchAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates the recurring schedule <paramref name="name"/>, or replaces its definition (a replaced schedule goes on from
    /// its next occurrence after now). Each occurrence submits one job, whose id follows from the schedule and the occurrence.
    /// </summary>
    /// <param name="name">The schedule's name: 1 to 100 letters, digits, '.', '_' and '-'.</param>
    /// <param name="schedule">The cron expression, time zone, job, and misfire and overlap policies.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The schedule, with its next occurrences.</returns>
    /// <exception cref="JobValidationException">The name, cron expression, time zone, job or a policy is invalid (see <see cref="JobValidationException.Errors"/>; job fields come as <c>job.type</c> and so on).</exception>
    /// <exception cref="ArgumentException"><see cref="ScheduleRequest.JobOptions"/> sets RunAt, Delay or IdempotencyKey, which the schedule decides.</exception>
    Task<ScheduleInfo> PutScheduleAsync(string name, ScheduleRequest schedule, CancellationToken cancellationToken = default);

    /// <summary>Reads a schedule: its definition, its next five occurrences, and its last fire.</summary>
    /// <param name="name">The schedule's name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="ScheduleNotFoundException">No schedule has the name.</exception>
    Task<ScheduleInfo> GetScheduleAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Lists every schedule, by name.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    Task<IReadOnlyList<ScheduleInfo>> ListSchedulesAsync(CancellationToken cancellationToken = default);

    /// <summary>Deletes a schedule; the jobs it submitted stay.</summary>
    /// <param name="name">The schedule's name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="ScheduleNotFoundException">No schedule has the name.</exception>
    Task DeleteScheduleAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Pauses a schedule: it fires nothing until resumed, and occurrences meanwhile are never caught up.</summary>
    /// <param name="name">The schedule's name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="ScheduleNotFoundException">No schedule has the name.</exception>
    Task<ScheduleInfo> PauseScheduleAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Resumes a paused schedule from its next occurrence after now.</summary>
    /// <param name="name">The schedule's name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="ScheduleNotFoundException">No schedule has the name.</exception>
    Task<ScheduleInfo> ResumeScheduleAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Submits the schedule's job now, whatever its cron expression, pause and overlap policy say.</summary>
    /// <param name="name">The schedule's name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The job it submitted.</returns>
    /// <exception cref="ScheduleNotFoundException">No schedule has the name.</exception>
    /// <exception cref="JobThrottledException">The service is shedding load.</exception>
    Task<JobInfo> TriggerScheduleAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Lists every job type that a live silo serves, by name, each with the silos that serve it.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    Task<IReadOnlyList<JobTypeInfo>> ListJobTypesAsync(CancellationToken cancellationToken = default);

    /// <summary>Lists every queue that a job names or that has limits, by name.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    Task<IReadOnlyList<QueueInfo>> ListQueuesAsync(CancellationToken cancellationToken = default);

    /// <summary>Gets one queue (a queue no job names and without limits comes back empty and unlimited).</summary>
    /// <param name="name">The queue's name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="JobValidationException">The name is not a valid queue name.</exception>
    Task<QueueInfo> GetQueueAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sets a queue's limits, replacing the ones it had (a limit left null is removed). Silos other than the one that
    /// takes the request apply them within the service's refresh interval (2 s by default).
    /// </summary>
    /// <param name="name">The queue's name.</param>
    /// <param name="limits">The new limits.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="JobValidationException">The name or a limit is invalid; the exception lists each problem.</exception>
    Task<QueueInfo> ConfigureQueueAsync(string name, QueueLimits limits, CancellationToken cancellationToken = default);

    /// <summary>Pauses a queue: it accepts jobs but starts none until it is resumed. Its limits stay.</summary>
    /// <param name="name">The queue's name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    Task<QueueInfo> PauseQueueAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Resumes a paused queue.</summary>
    /// <param name="name">The queue's name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    Task<QueueInfo> ResumeQueueAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes a job type external on every silo (its jobs wait Queued and are leased by workers over HTTP), or takes that
    /// back. Stored once for the cluster; silos other than the one that takes the request follow within the service's
    /// refresh interval (2 s by default).
    /// </summary>
    /// <param name="type">The job type.</param>
    /// <param name="external">True to leave the type to external workers, false to take that back.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The type as the service now serves it.</returns>
    /// <exception cref="JobValidationException">The type's name is invalid.</exception>
    /// <exception cref="JobConflictException">A silo runs the type with an in-process handler, or the service's configuration makes it external (it cannot be taken back here).</exception>
    Task<JobTypeInfo> SetJobTypeExternalAsync(string type, bool external, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs a .NET worker until <paramref name="cancellationToken"/> is cancelled: it leases jobs of the types in
    /// <paramref name="options"/> (long-poll, at most <see cref="OrleansJobsWorkerOptions.MaxConcurrentJobs"/> held at
    /// once), runs each with its handler while heartbeats extend the lease and bring cancels, and completes or fails it.
    /// Cancelling the token is a graceful stop: no more jobs are leased, and the held ones finish (for up to
    /// <see cref="OrleansJobsWorkerOptions.StopTimeout"/>) before the task completes. Transient errors (network, 5xx,
    /// 429) are retried with backoff; a refusal of the worker itself ends the run with its exception.
    /// </summary>
    /// <param name="options">The worker's name, handlers and timings.</param>
    /// <param name="cancellationToken">Stops the worker gracefully.</param>
    /// <returns>A task that completes when the worker has stopped and its held jobs have ended.</returns>
    /// <exception cref="ArgumentException">A setting in <paramref name="options"/> is out of range, or no handler is registered.</exception>
    /// <exception cref="JobValidationException">The service refused the lease request, such as for a type it does not run by external workers.</exception>
    /// <exception cref="OrleansJobsException">The service refused the worker, such as for a missing API key or scope (401, 403).</exception>
    Task RunWorkerAsync(OrleansJobsWorkerOptions options, CancellationToken cancellationToken = default);
}

using System.Runtime.CompilerServices;

namespace OrleansJobs.Client;

/// <summary>
/// Blocking forms of the <see cref="IOrleansJobsClient"/> methods, for callers that cannot be async yet (a console
/// tool's Main, a legacy synchronous code path). Each one BLOCKS the calling thread until the request (or the wait)
/// is over, holding a thread-pool thread the whole time: in ASP.NET Core or any server under load prefer the async
/// methods. They throw the same exceptions as the async forms, not wrapped in <see cref="AggregateException"/>.
/// </summary>
public static class OrleansJobsClientSyncExtensions
{
    /// <summary>Blocking form of <see cref="IJobClient.SubmitAsync(string, SubmitOptions?, CancellationToken)"/>.</summary>
    /// <param name="client">The client.</param>
    /// <param name="type">The job type.</param>
    /// <param name="options">How to run the job; null for the service's defaults.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The job as accepted.</returns>
    [OverloadResolutionPriority(1)] // Submit("noop", options) must not read the options as a payload.
    public static JobInfo Submit(this IOrleansJobsClient client, string type, SubmitOptions? options = null, CancellationToken cancellationToken = default) =>
        Block(client.SubmitAsync(type, options, cancellationToken));

    /// <summary>Blocking form of <see cref="IJobClient.SubmitAsync{TPayload}(string, TPayload, SubmitOptions?, CancellationToken)"/>.</summary>
    /// <typeparam name="TPayload">The payload's type.</typeparam>
    /// <param name="client">The client.</param>
    /// <param name="type">The job type.</param>
    /// <param name="payload">What the handler gets.</param>
    /// <param name="options">How to run the job; null for the service's defaults.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The job as accepted.</returns>
    public static JobInfo Submit<TPayload>(
        this IOrleansJobsClient client, string type, TPayload payload, SubmitOptions? options = null, CancellationToken cancellationToken = default) =>
        Block(client.SubmitAsync(type, payload, options, cancellationToken));

    /// <summary>Blocking form of <see cref="IJobClient.GetAsync"/>.</summary>
    /// <param name="client">The client.</param>
    /// <param name="jobId">The job's id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The job.</returns>
    public static JobInfo Get(this IOrleansJobsClient client, string jobId, CancellationToken cancellationToken = default) =>
        Block(client.GetAsync(jobId, cancellationToken));

    /// <summary>
    /// Blocking form of <see cref="IOrleansJobsClient.ListAsync"/>: each step of the enumeration that needs the next
    /// page blocks while that page is fetched.
    /// </summary>
    /// <param name="client">The client.</param>
    /// <param name="filter">Which jobs to list; null for every job.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The jobs, newest first.</returns>
    public static IEnumerable<JobInfo> List(this IOrleansJobsClient client, JobListFilter? filter = null, CancellationToken cancellationToken = default) =>
        client.ListAsync(filter, cancellationToken).ToBlockingEnumerable(cancellationToken);

    /// <summary>Blocking form of <see cref="IJobClient.CancelAsync"/>.</summary>
    /// <param name="client">The client.</param>
    /// <param name="jobId">The job's id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The cancelled job.</returns>
    public static JobInfo Cancel(this IOrleansJobsClient client, string jobId, CancellationToken cancellationToken = default) =>
        Block(client.CancelAsync(jobId, cancellationToken));

    /// <summary>Blocking form of <see cref="IJobClient.RetryAsync"/>.</summary>
    /// <param name="client">The client.</param>
    /// <param name="jobId">The job's id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The job, queued again.</returns>
    public static JobInfo Retry(this IOrleansJobsClient client, string jobId, CancellationToken cancellationToken = default) =>
        Block(client.RetryAsync(jobId, cancellationToken));

    /// <summary>Blocking form of <see cref="IJobClient.SubmitAndWaitAsync(string, TimeSpan, SubmitOptions?, CancellationToken)"/>: blocks up to <paramref name="timeout"/>.</summary>
    /// <param name="client">The client.</param>
    /// <param name="type">The job type.</param>
    /// <param name="timeout">How long to wait in all.</param>
    /// <param name="options">How to run the job; null for the service's defaults.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The finished job.</returns>
    public static JobInfo SubmitAndWait(
        this IOrleansJobsClient client, string type, TimeSpan timeout, SubmitOptions? options = null, CancellationToken cancellationToken = default) =>
        Block(client.SubmitAndWaitAsync(type, timeout, options, cancellationToken));

    /// <summary>Blocking form of <see cref="IJobClient.SubmitAndWaitAsync{TPayload}(string, TPayload, TimeSpan, SubmitOptions?, CancellationToken)"/>: blocks up to <paramref name="timeout"/>.</summary>
    /// <typeparam name="TPayload">The payload's type.</typeparam>
    /// <param name="client">The client.</param>
    /// <param name="type">The job type.</param>
    /// <param name="payload">What the handler gets.</param>
    /// <param name="timeout">How long to wait in all.</param>
    /// <param name="options">How to run the job; null for the service's defaults.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The finished job.</returns>
    public static JobInfo SubmitAndWait<TPayload>(
        this IOrleansJobsClient client, string type, TPayload payload, TimeSpan timeout, SubmitOptions? options = null, CancellationToken cancellationToken = default) =>
        Block(client.SubmitAndWaitAsync(type, payload, timeout, options, cancellationToken));

    /// <summary>Blocking form of <see cref="IJobClient.WaitForCompletionAsync"/>: blocks up to <paramref name="timeout"/>.</summary>
    /// <param name="client">The client.</param>
    /// <param name="jobId">The job's id.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The finished job.</returns>
    public static JobInfo WaitForCompletion(this IOrleansJobsClient client, string jobId, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        Block(client.WaitForCompletionAsync(jobId, timeout, cancellationToken));

    // The client awaits with ConfigureAwait(false) throughout, so blocking here cannot deadlock on a synchronization context.
    private static JobInfo Block(Task<JobInfo> task) => task.GetAwaiter().GetResult();
}

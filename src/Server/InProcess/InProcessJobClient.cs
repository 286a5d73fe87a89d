using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using OrleansJobs.Api;
using OrleansJobs.Client;
using OrleansJobs.Jobs;
using OrleansJobs.Server.Api;
using OrleansJobs.Server.Auth;
using OrleansJobs.Server.Hosting;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace OrleansJobs.Server.InProcess;

/// <summary>
/// The <see cref="IJobClient"/> of an application that hosts the job service: <c>AddOrleansJobs</c> registers it, so
/// code that injects <see cref="IJobClient"/> submits, reads, cancels, retries and waits for jobs on the job grains of
/// its own process, with no HTTP in between. It runs the API's own code (<c>JobOperations</c>, which
/// <c>POST /api/jobs</c> and the other job endpoints run too) on the body the HTTP client would send, so it keeps the
/// API's promises: the same validation and error keys, the same job id for the same idempotency key (over HTTP or
/// here, in either order), the same <see cref="JobInfo"/> and the same exceptions as <see cref="OrleansJobsClient"/>.
/// <para>
/// The caller's <see cref="Activity.Current"/> is the submit's trace context (<c>traceparent</c> and
/// <c>tracestate</c>), so the job's attempts join the caller's trace; its trace id is also the correlation id when
/// <see cref="SubmitOptions.CorrelationId"/> gives none, as it is for an HTTP request without one. Payloads are
/// serialized with <see cref="OrleansJobsClientOptions.PayloadSerializerOptions"/>, as by the HTTP client (the web
/// defaults unless the application configures those options). Unlike the HTTP client, it makes up no idempotency key
/// when the caller gives none: nothing in process retries a submit, and a fresh id saves the job's first write a read.
/// </para>
/// <para>
/// Backpressure: in-process submits are bounded as HTTP ones are, and refused with <see cref="JobThrottledException"/>
/// (its <c>RetryAfter</c> from <c>OrleansJobs:Backpressure</c>). Code in the process can flood a silo as surely as a
/// remote client, and an unbounded caller would otherwise grow the jobs waiting for a handler slot, and the grain calls
/// in flight, without limit. So while <c>MaxWaitingJobs</c> jobs wait for a handler slot every submit is refused, and
/// at most <c>MaxConcurrentSubmits</c> submits run at once, counted with the HTTP ones (one gate,
/// <c>SubmitBackpressure</c>). A permit covers the submit, not a wait of <c>SubmitAndWaitAsync</c>, as a request's
/// <c>?wait=</c> gives its permit back before it waits: waiters cannot hold every permit. Reads, cancels, retries
/// and waits are not throttled, over HTTP or here; each holds at most one grain call of at most 20 seconds at a time.
/// </para>
/// <para>
/// Registration: <c>AddOrleansJobs</c> registers this client with <c>TryAdd</c> before anything else, and the HTTP
/// client's <c>AddOrleansJobsClient</c> registers <see cref="IJobClient"/> with <c>TryAdd</c> too, so the first one
/// called wins. An application that hosts the service and calls <c>AddOrleansJobs</c> first gets this client for
/// <see cref="IJobClient"/> and the HTTP one for <see cref="IOrleansJobsClient"/> (another service's jobs, say); one
/// that calls <c>AddOrleansJobsClient</c> first has asked for HTTP, and keeps it.
/// </para>
/// <para>
/// Owners: this client is the application's own code, fully trusted: it records no owner on what it submits and reads,
/// cancels and retries every job, as an <c>admin</c> key does. <see cref="ForOwner"/> gives a client that acts for one
/// owner instead, as a key without <c>admin</c> of that name would: its jobs record the owner, its idempotency keys
/// are the owner's, and another owner's job is not found.
/// </para>
/// A draining silo refuses submits with the client's <see cref="OrleansJobs.Client.JobServiceUnavailableException"/>, as it
/// answers HTTP with 503. Errors the API would answer with 500 (bugs) are not wrapped: they surface as thrown.
/// </summary>
public sealed class InProcessJobClient : IJobClient
{
    private readonly JobOperations _jobs;
    private readonly SubmitBackpressure _backpressure;
    private readonly OrleansJobsClientOptions _clientOptions;
    private readonly JsonSerializerOptions _apiJson;
    private readonly TimeProvider _time;
    private readonly JobCaller _caller;

    private InProcessJobClient(
        JobOperations jobs, SubmitBackpressure backpressure, OrleansJobsClientOptions clientOptions,
        JsonSerializerOptions apiJson, TimeProvider time, JobCaller caller)
    {
        _jobs = jobs;
        _backpressure = backpressure;
        _clientOptions = clientOptions;
        _apiJson = apiJson;
        _time = time;
        _caller = caller;
    }

    /// <summary>The longest owner <see cref="ForOwner"/> takes, as the longest key name <c>keys add</c> takes.</summary>
    public const int MaxOwnerLength = 100;

    /// <summary>Makes the client from the host's services (the factory <c>AddOrleansJobs</c> registers).</summary>
    internal static InProcessJobClient Create(IServiceProvider services) => new(
        services.GetRequiredService<JobOperations>(),
        services.GetRequiredService<SubmitBackpressure>(),
        services.GetRequiredService<IOptions<OrleansJobsClientOptions>>().Value,
        // The JSON the API answers with: the jobs it shows here are the ones it would send.
        services.GetRequiredService<IOptions<HttpJsonOptions>>().Value.SerializerOptions,
        services.GetService<TimeProvider>() ?? TimeProvider.System,
        JobCaller.Application);

    /// <summary>
    /// A client that acts for <paramref name="owner"/> (a user or tenant of the application, or an API key's name):
    /// what it submits records that owner, and it reads, cancels, retries and waits for that owner's jobs only; another
    /// owner's job, and a job without an owner, throw <see cref="OrleansJobs.Client.JobNotFoundException"/> as a missing one does.
    /// </summary>
    /// <param name="owner">1 to <see cref="MaxOwnerLength"/> characters, not only white space; compared exactly.</param>
    public InProcessJobClient ForOwner(string owner)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(owner.Length, MaxOwnerLength, nameof(owner));
        return new(_jobs, _backpressure, _clientOptions, _apiJson, _time, new JobCaller(owner, SeesAll: false));
    }

    /// <inheritdoc />
    public async Task<JobInfo> SubmitAsync(string type, SubmitOptions? options = null, CancellationToken cancellationToken = default) =>
        Info(await SubmitCoreAsync(type, payload: null, options, wait: null, cancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public async Task<JobInfo> SubmitAsync<TPayload>(string type, TPayload payload, SubmitOptions? options = null, CancellationToken cancellationToken = default) =>
        Info(await SubmitCoreAsync(type, Serialize(payload), options, wait: null, cancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public async Task<JobInfo> GetAsync(string jobId, CancellationToken cancellationToken = default)
    {
        OrleansJobsClient.CheckJobId(jobId);
        return Info(await CallAsync(() => _jobs.GetAsync(jobId, _caller), jobId, cancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc />
    public async Task<JobInfo> CancelAsync(string jobId, CancellationToken cancellationToken = default)
    {
        OrleansJobsClient.CheckJobId(jobId);
        return Info(await CallAsync(() => _jobs.CancelAsync(jobId, _caller), jobId, cancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc />
    public async Task<JobInfo> RetryAsync(string jobId, CancellationToken cancellationToken = default)
    {
        OrleansJobsClient.CheckJobId(jobId);
        return Info(await CallAsync(() => _jobs.RetryAsync(jobId, _caller), jobId, cancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc />
    public async Task<JobInfo> SubmitAndWaitAsync(string type, TimeSpan timeout, SubmitOptions? options = null, CancellationToken cancellationToken = default)
    {
        OrleansJobsClient.CheckTimeout(timeout);
        return Finished(await SubmitCoreAsync(type, payload: null, options, timeout, cancellationToken).ConfigureAwait(false), timeout);
    }

    /// <inheritdoc />
    public async Task<JobInfo> SubmitAndWaitAsync<TPayload>(
        string type, TPayload payload, TimeSpan timeout, SubmitOptions? options = null, CancellationToken cancellationToken = default)
    {
        OrleansJobsClient.CheckTimeout(timeout);
        return Finished(await SubmitCoreAsync(type, Serialize(payload), options, timeout, cancellationToken).ConfigureAwait(false), timeout);
    }

    /// <inheritdoc />
    public async Task<JobInfo> WaitForCompletionAsync(string jobId, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        OrleansJobsClient.CheckJobId(jobId);
        OrleansJobsClient.CheckTimeout(timeout);
        var job = await CallAsync(async () =>
        {
            var (found, refusal) = await _jobs.GetAsync(jobId, _caller);
            if (refusal is not null) return (null, refusal);
            return (await _jobs.WaitAsync(found!, timeout, cancellationToken), null);
        }, jobId, cancellationToken).ConfigureAwait(false);
        return Finished(job, timeout);
    }

    /// <summary>
    /// A submit as <c>POST /api/jobs</c> takes it: the HTTP client's body and headers, through the API's backpressure,
    /// checks and submit; with <paramref name="wait"/>, the wait on the job's grain. Returns the job as last seen.
    /// </summary>
    private async Task<JobState> SubmitCoreAsync(string type, JsonElement? payload, SubmitOptions? options, TimeSpan? wait, CancellationToken cancellationToken)
    {
        options ??= new SubmitOptions();
        var body = OrleansJobsClient.SubmitBodyJson(type, payload, options, _time);
        cancellationToken.ThrowIfCancellationRequested();
        var trace = Activity.Current;
        var correlationId = CorrelationIds.NewId();
        JobState job;
        // The permit covers the submit; it is given back before the wait, as over HTTP.
        using (var permit = _backpressure.TryAdmit(1, out var refused))
        {
            if (permit is null) throw Refused(refused!, jobId: null);
            job = await CallAsync(async () =>
            {
                var (spec, refusal) = await _jobs.CheckAsync(body, options.IdempotencyKey, correlationId, trace?.Id, trace?.TraceStateString, _caller);
                if (refusal is not null) return (null, refusal);
                return ((await _jobs.SubmitAsync(spec!, cancellationToken)).Job, null);
            }, jobId: null, cancellationToken).ConfigureAwait(false);
        }
        return wait is { } total
            ? await CallAsync(async () => (await _jobs.WaitAsync(job, total, cancellationToken), null), job.Id, cancellationToken).ConfigureAwait(false)
            : job;
    }

    /// <summary>
    /// Runs an operation of the API and returns its job; a refusal, and a failure the API answers with 503, are thrown
    /// as the HTTP client would throw them. <paramref name="cancellationToken"/> gives up on the answer.
    /// </summary>
    private async Task<JobState> CallAsync(Func<Task<(JobState? Job, IResult? Refusal)>> operation, string? jobId, CancellationToken cancellationToken)
    {
        (JobState? Job, IResult? Refusal) outcome;
        try
        {
            outcome = await operation().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (UnavailableExceptionHandler.Reason(ex) is { } reason)
        {
            outcome = (null, JobEndpoints.Unavailable(reason));
        }
        return outcome.Refusal is { } refusal ? throw Refused(refusal, jobId) : outcome.Job!;
    }

    /// <summary>
    /// The exception the HTTP client throws for the API's answer <paramref name="refusal"/>: its problem document, as
    /// the API would write it, through the HTTP client's own mapping (<c>ProblemResponses</c>).
    /// </summary>
    private OrleansJobsException Refused(IResult refusal, string? jobId)
    {
        TimeSpan? retryAfter = null;
        if (refusal is RetryAfterResult delayed)
            (retryAfter, refusal) = (delayed.After, delayed.Inner);
        if (refusal is not IValueHttpResult { Value: ProblemDetails problem })
            throw new InvalidOperationException($"The API refused with a {refusal.GetType().Name}, which carries no problem details.");
        var status = problem.Status ?? (refusal as IStatusCodeHttpResult)?.StatusCode ?? StatusCodes.Status500InternalServerError;
        var raw = JsonSerializer.SerializeToElement(problem, problem.GetType(), _apiJson);
        return ProblemResponses.ToException((HttpStatusCode)status, raw, ReasonPhrases.GetReasonPhrase(status), retryAfter, jobId);
    }

    /// <summary>A finished job, or the timeout's exception holding the job as last seen.</summary>
    private JobInfo Finished(JobState job, TimeSpan timeout) =>
        job.Status.IsTerminal() ? Info(job) : throw new JobWaitTimeoutException(Info(job), timeout);

    /// <summary>The job as the HTTP client reads it: the API's JSON of it (<see cref="JobResponse"/>), read with the client's options.</summary>
    private JobInfo Info(JobState job) =>
        JsonSerializer.Deserialize<JobInfo>(JsonSerializer.SerializeToUtf8Bytes(JobResponse.From(job), _apiJson), OrleansJobsClient.ApiJson)
        ?? throw new InvalidOperationException($"Job '{job.Id}' read as JSON null.");

    private JsonElement Serialize<TPayload>(TPayload payload) => OrleansJobsClient.SerializePayload(payload, _clientOptions);
}

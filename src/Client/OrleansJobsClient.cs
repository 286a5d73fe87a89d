using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansJobs.Client;

/// <summary>
/// The OrleansJobs client: the HTTP API, and the SignalR hub for live events. Register it with
/// <c>services.AddOrleansJobsClient(...)</c> to get <see cref="IHttpClientFactory"/>, retries of transient errors and one
/// hub connection for the whole application, or make one with <c>new</c> around an <see cref="HttpClient"/> of your own
/// and dispose it when done (that closes its hub connection). It is safe to use from many threads at once.
/// </summary>
public sealed partial class OrleansJobsClient : IOrleansJobsClient, IAsyncDisposable
{
    internal const string ApiKeyHeader = "X-Api-Key";

    /// <summary>
    /// The client's spans: one per submit (<c>orleansjobs.submit</c>), whose context the request carries as
    /// <c>traceparent</c>, so that the job's attempts join the caller's trace. Add it to your tracer to see them.
    /// </summary>
    public const string ActivitySourceName = "OrleansJobs.Client";

    internal static readonly ActivitySource Source = new(ActivitySourceName);
    private const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>The wire format of the API: camelCase, enums as strings, unset fields left out.</summary>
    internal static readonly JsonSerializerOptions ApiJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Queue limits go out with their nulls.</summary>
    private static readonly JsonSerializerOptions QueueJson = new(JsonSerializerDefaults.Web);

    private readonly HttpClient _http;
    private readonly OrleansJobsClientOptions _options;
    private readonly TimeProvider _time;
    private readonly Uri _baseAddress;
    private readonly JobHubConnection _hub;
    private readonly bool _ownsHub;
    private readonly IJobWatcher _watcher;

    /// <summary>Makes a client that sends its requests through <paramref name="http"/>.</summary>
    /// <param name="http">The HTTP client to send with. Its <see cref="HttpClient.BaseAddress"/> is used when <paramref name="options"/> gives none.</param>
    /// <param name="options">The service's address, API key and timings; null for the defaults.</param>
    /// <param name="timeProvider">The clock for timeouts and polling pauses; null for the system clock.</param>
    /// <exception cref="ArgumentException">Neither <paramref name="options"/> nor <paramref name="http"/> gives an absolute base address, or a setting is out of range.</exception>
    public OrleansJobsClient(HttpClient http, OrleansJobsClientOptions? options = null, TimeProvider? timeProvider = null)
        : this(http, options, timeProvider, sharedHub: null)
    {
    }

    /// <summary>Makes a client that watches jobs over <paramref name="sharedHub"/>, or over a connection of its own when null.</summary>
    internal OrleansJobsClient(HttpClient http, OrleansJobsClientOptions? options, TimeProvider? timeProvider, JobHubConnection? sharedHub)
    {
        ArgumentNullException.ThrowIfNull(http);
        _http = http;
        _options = options ?? new OrleansJobsClientOptions();
        _time = timeProvider ?? TimeProvider.System;
        var baseAddress = _options.BaseAddress ?? http.BaseAddress;
        if (baseAddress is not { IsAbsoluteUri: true })
            throw new ArgumentException("The client needs the service's absolute address: set OrleansJobsClientOptions.BaseAddress or HttpClient.BaseAddress.", nameof(options));
        if (OrleansJobsClientOptionsValidator.CheckSettings(_options).FirstOrDefault() is { } failure)
            throw new ArgumentException(failure, nameof(options));
        _baseAddress = AsFolder(baseAddress);
        _ownsHub = sharedHub is null;
        _hub = sharedHub ?? NewHubConnection(baseAddress, _options);
        _watcher = new PushJobWatcher(WatchAsync, GetAsync, new PollingJobWatcher(GetAsync, _options, _time), _time);
    }

    /// <inheritdoc />
    [OverloadResolutionPriority(1)]
    public Task<JobInfo> SubmitAsync(string type, SubmitOptions? options = null, CancellationToken cancellationToken = default)
    {
        var submit = PrepareSubmit(type, payload: null, options);
        return PostSubmitAsync(submit, wait: null, cancellationToken);
    }

    /// <inheritdoc />
    public Task<JobInfo> SubmitAsync<TPayload>(string type, TPayload payload, SubmitOptions? options = null, CancellationToken cancellationToken = default)
    {
        var submit = PrepareSubmit(type, SerializePayload(payload), options);
        return PostSubmitAsync(submit, wait: null, cancellationToken);
    }

    /// <inheritdoc />
    public Task<JobInfo> GetAsync(string jobId, CancellationToken cancellationToken = default) =>
        SendAsync<JobInfo>(HttpMethod.Get, JobPath(jobId), jobId, configure: null, cancellationToken);

    /// <inheritdoc />
    public async IAsyncEnumerable<JobInfo> ListAsync(JobListFilter? filter = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? cursor = null;
        do
        {
            var page = await SendAsync<JobPage>(HttpMethod.Get, ListPath(filter, cursor), jobId: null, configure: null, cancellationToken).ConfigureAwait(false);
            foreach (var job in page.Items)
                yield return job;
            cursor = page.NextCursor;
        } while (cursor is not null);
    }

    /// <inheritdoc />
    public Task<JobInfo> CancelAsync(string jobId, CancellationToken cancellationToken = default) =>
        SendAsync<JobInfo>(HttpMethod.Post, JobPath(jobId) + "/cancel", jobId, configure: null, cancellationToken);

    /// <inheritdoc />
    public Task<JobInfo> RetryAsync(string jobId, CancellationToken cancellationToken = default) =>
        SendAsync<JobInfo>(HttpMethod.Post, JobPath(jobId) + "/retry", jobId, configure: null, cancellationToken);

    /// <inheritdoc />
    public async Task<BatchInfo> SubmitBatchAsync(
        IReadOnlyList<BatchJob> jobs, BatchJob? continuation = null, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        if (jobs.Count == 0) throw new ArgumentException("A batch needs at least one job.", nameof(jobs));
        var body = JsonSerializer.SerializeToUtf8Bytes(new BatchBody(jobs.Select(BatchMember).ToList(), continuation is null ? null : BatchMember(continuation)), ApiJson);
        var key = idempotencyKey ?? Guid.NewGuid().ToString("N");
        return await SendAsync<BatchInfo>(HttpMethod.Post, "api/batches", jobId: null, request =>
        {
            request.Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
            request.Headers.Add(IdempotencyKeyHeader, key);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<BatchInfo> GetBatchAsync(string batchId, CancellationToken cancellationToken = default) =>
        SendBatchAsync(HttpMethod.Get, batchId, "", cancellationToken);

    /// <inheritdoc />
    public Task<BatchInfo> CancelBatchAsync(string batchId, CancellationToken cancellationToken = default) =>
        SendBatchAsync(HttpMethod.Post, batchId, "/cancel", cancellationToken);

    /// <inheritdoc />
    public Task<JobInfo> SubmitAndWaitAsync(string type, TimeSpan timeout, SubmitOptions? options = null, CancellationToken cancellationToken = default)
    {
        CheckTimeout(timeout);
        return SubmitAndWaitAsync(PrepareSubmit(type, payload: null, options), timeout, cancellationToken);
    }

    /// <inheritdoc />
    public Task<JobInfo> SubmitAndWaitAsync<TPayload>(
        string type, TPayload payload, TimeSpan timeout, SubmitOptions? options = null, CancellationToken cancellationToken = default)
    {
        CheckTimeout(timeout);
        return SubmitAndWaitAsync(PrepareSubmit(type, SerializePayload(payload), options), timeout, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<JobInfo> WaitForCompletionAsync(string jobId, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        CheckJobId(jobId);
        CheckTimeout(timeout);
        var job = await _watcher.WaitAsync(jobId, Deadline(timeout), cancellationToken).ConfigureAwait(false);
        return job.IsFinished ? job : throw new JobWaitTimeoutException(job, timeout);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<JobEvent> WatchAsync(string jobId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        CheckJobId(jobId);
        var last = long.MinValue;
        while (true)
        {
            var subscription = await _hub.SubscribeAsync(jobId, cancellationToken).ConfigureAwait(false);
            await using (subscription.ConfigureAwait(false))
            {
                while (await subscription.NextAsync(cancellationToken).ConfigureAwait(false) is { } next)
                {
                    // The current state sent on every (re)subscribe repeats what was yielded, or stands in for what was missed.
                    if (next.Sequence <= last) continue;
                    last = next.Sequence;
                    yield return next;
                    if (next.IsFinal) yield break;
                }
            }
            // The connection was lost for good: subscribe again on a new one.
        }
    }

    /// <summary>Closes the client's hub connection, if it made one (a client from dependency injection shares the container's). The <see cref="HttpClient"/> stays the caller's.</summary>
    /// <returns>A task that completes when the connection is closed.</returns>
    public ValueTask DisposeAsync() => _ownsHub ? _hub.DisposeAsync() : ValueTask.CompletedTask;

    /// <summary>The hub connection a client of <paramref name="options"/> uses; dependency injection shares one between its clients.</summary>
    internal static JobHubConnection NewHubConnection(Uri baseAddress, OrleansJobsClientOptions options) =>
        new(new Uri(AsFolder(baseAddress), options.HubPath), options.ApiKey);

    // Relative paths resolve under the base address only when it ends in '/': "http://host/jobs" + "api/jobs" would drop "jobs".
    private static Uri AsFolder(Uri baseAddress) =>
        baseAddress.AbsoluteUri.EndsWith('/') ? baseAddress : new Uri(baseAddress.AbsoluteUri + "/");

    private async Task<JobInfo> SubmitAndWaitAsync(PreparedSubmit submit, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Deadline(timeout);
        while (true)
        {
            var left = deadline - _time.GetUtcNow();
            var wait = left < _options.LongPollWait ? left : _options.LongPollWait;
            var asked = _time.GetTimestamp();
            // The same idempotency key each round: the service returns the job already submitted, waiting on it again.
            var job = await PostSubmitAsync(submit, wait > TimeSpan.Zero ? wait : TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
            if (job.IsFinished)
                return job;
            if (_time.GetUtcNow() >= deadline)
                throw new JobWaitTimeoutException(job, timeout);
            // A service that answers before the wait is up (an older one ignoring ?wait=) must not be asked in a tight loop.
            if (_time.GetElapsedTime(asked) < wait)
                await Task.Delay(_options.MinPollInterval, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private PreparedSubmit PrepareSubmit(string type, JsonElement? payload, SubmitOptions? options)
    {
        options ??= new SubmitOptions();
        // Always a key, so that a retry of this POST after a lost answer finds the first job instead of making a second.
        var key = options.IdempotencyKey ?? Guid.NewGuid().ToString("N");
        return new PreparedSubmit(type, SubmitBodyJson(type, payload, options, _time), key);
    }

    /// <summary>
    /// The <c>POST /api/jobs</c> body for a job, as UTF-8 JSON; <see cref="SubmitOptions.IdempotencyKey"/> is not in it
    /// (it goes in the <c>Idempotency-Key</c> header). <see cref="SubmitOptions.Delay"/> becomes <c>runAt</c> by
    /// <paramref name="time"/>. The in-process client of OrleansJobs.Server builds its submits here too, so both send
    /// the service the same thing.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="type"/> is blank, or both RunAt and Delay are set.</exception>
    internal static byte[] SubmitBodyJson(string type, JsonElement? payload, SubmitOptions options, TimeProvider time) =>
        JsonSerializer.SerializeToUtf8Bytes(Body(type, payload, options, time), ApiJson);

    private SubmitBody Body(string type, JsonElement? payload, SubmitOptions options) => Body(type, payload, options, _time);

    private static SubmitBody Body(string type, JsonElement? payload, SubmitOptions options, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        if (options.RunAt is not null && options.Delay is not null)
            throw new ArgumentException($"Set {nameof(SubmitOptions.RunAt)} or {nameof(SubmitOptions.Delay)}, not both.", nameof(options));
        var runAt = options.RunAt ?? (options.Delay is { } delay ? time.GetUtcNow() + delay : null);
        return new SubmitBody(type, payload, options.Queue, options.Priority, options.ConcurrencyKey, runAt?.ToUniversalTime(),
            options.MaxAttempts, options.Retry, options.Timeout, options.CorrelationId, options.CallbackUrl, options.Tags,
            options.Labels, options.DependsOn, options.OnDependencyFailure);
    }

    private SubmitBody BatchMember(BatchJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.Options?.IdempotencyKey is not null)
            throw new ArgumentException("A batch's jobs take their ids from the batch: pass the idempotency key to SubmitBatchAsync instead.", nameof(job));
        return Body(job.Type, job.Payload is null ? null : SerializePayload(job.Payload), job.Options ?? new SubmitOptions());
    }

    /// <summary>Sends a request about one batch; a 404 is a <see cref="BatchNotFoundException"/>.</summary>
    private async Task<BatchInfo> SendBatchAsync(HttpMethod method, string batchId, string action, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(batchId);
        try
        {
            return await SendAsync<BatchInfo>(method, "api/batches/" + Uri.EscapeDataString(batchId) + action, jobId: null, configure: null, cancellationToken).ConfigureAwait(false);
        }
        catch (JobNotFoundException notFound)
        {
            throw new BatchNotFoundException(notFound.Problem, batchId);
        }
    }

    private JsonElement SerializePayload<TPayload>(TPayload payload) => SerializePayload(payload, _options);

    /// <summary>A job's payload as the client sends it: JSON by <see cref="OrleansJobsClientOptions.PayloadSerializerOptions"/>.</summary>
    internal static JsonElement SerializePayload<TPayload>(TPayload payload, OrleansJobsClientOptions options) =>
        JsonSerializer.SerializeToElement(payload, options.PayloadSerializerOptions);

    private async Task<JobInfo> PostSubmitAsync(PreparedSubmit submit, TimeSpan? wait, CancellationToken cancellationToken)
    {
        var path = wait is { } w ? "api/jobs?wait=" + ((long)w.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms" : "api/jobs";
        // Current while the request goes out: HttpClient sends its context as traceparent.
        using var span = Source.StartActivity("orleansjobs.submit", ActivityKind.Client);
        span?.SetTag("job.type", submit.Type);
        try
        {
            var job = await SendAsync<JobInfo>(HttpMethod.Post, path, jobId: null, request =>
            {
                // Bytes, not a stream, so that a retry can send the same body again.
                request.Content = new ByteArrayContent(submit.Body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
                request.Headers.Add(IdempotencyKeyHeader, submit.IdempotencyKey);
            }, cancellationToken).ConfigureAwait(false);
            span?.SetTag("job.id", job.Id);
            return job;
        }
        catch (Exception ex) when (span is not null)
        {
            span.AddException(ex);
            span.SetStatus(ActivityStatusCode.Error, ex.Message);
            throw;
        }
    }

    private async Task<T> SendAsync<T>(
        HttpMethod method, string path, string? jobId, Action<HttpRequestMessage>? configure, CancellationToken cancellationToken, string? scheduleName = null)
    {
        using var response = await SendCoreAsync(method, path, jobId, configure, cancellationToken, scheduleName).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync<T>(ApiJson, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"The service answered {method} {path} with an empty body.");
    }

    /// <summary>Sends a request and returns its successful answer, or throws the typed exception of its error answer.</summary>
    private async Task<HttpResponseMessage> SendCoreAsync(
        HttpMethod method, string path, string? jobId, Action<HttpRequestMessage>? configure, CancellationToken cancellationToken, string? scheduleName)
    {
        using var request = new HttpRequestMessage(method, new Uri(_baseAddress, path));
        if (_options.ApiKey is { Length: > 0 } apiKey)
            request.Headers.Add(ApiKeyHeader, apiKey);
        configure?.Invoke(request);
        var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode) return response;
        using (response)
            throw await ProblemResponses.ToExceptionAsync(response, jobId, _time, cancellationToken, scheduleName).ConfigureAwait(false);
    }

    private static string JobPath(string jobId)
    {
        CheckJobId(jobId);
        return "api/jobs/" + Uri.EscapeDataString(jobId);
    }

    private static string ListPath(JobListFilter? filter, string? cursor)
    {
        var query = new List<string>();
        if (filter?.Status is { } status) query.Add("status=" + status);
        if (filter?.Queue is { } queue) query.Add("queue=" + Uri.EscapeDataString(queue));
        if (filter?.Type is { } type) query.Add("type=" + Uri.EscapeDataString(type));
        if (filter?.Label is { } label) query.Add("label=" + Uri.EscapeDataString(label));
        if (filter?.PageSize is { } pageSize) query.Add("limit=" + pageSize.ToString(CultureInfo.InvariantCulture));
        if (cursor is not null) query.Add("cursor=" + Uri.EscapeDataString(cursor));
        if (filter is { IncludePayload: true } or { IncludeResult: true })
            query.Add("include=" + (filter.IncludePayload && filter.IncludeResult ? "payload,result" : filter.IncludePayload ? "payload" : "result"));
        return query.Count == 0 ? "api/jobs" : "api/jobs?" + string.Join('&', query);
    }

    private DateTimeOffset Deadline(TimeSpan timeout) =>
        timeout == Timeout.InfiniteTimeSpan ? DateTimeOffset.MaxValue : _time.GetUtcNow() + timeout;

    internal static void CheckJobId(string jobId, [CallerArgumentExpression(nameof(jobId))] string? name = null) =>
        ArgumentException.ThrowIfNullOrWhiteSpace(jobId, name);

    internal static void CheckTimeout(TimeSpan timeout, [CallerArgumentExpression(nameof(timeout))] string? name = null)
    {
        if (timeout <= TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
            throw new ArgumentOutOfRangeException(name, timeout, "The timeout must be longer than zero, or Timeout.InfiniteTimeSpan.");
    }

    /// <summary>A submit body serialized once, with its idempotency key, so that every request for it sends the same.</summary>
    private sealed record PreparedSubmit(string Type, byte[] Body, string IdempotencyKey);

    /// <summary>The <c>POST /api/jobs</c> body (the README's "Using the API" lists its fields); the idempotency key goes in the header.</summary>
    private sealed record SubmitBody(
        string Type,
        JsonElement? Payload,
        string? Queue,
        int? Priority,
        string? ConcurrencyKey,
        DateTimeOffset? RunAt,
        int? MaxAttempts,
        RetryOptions? Retry,
        TimeSpan? Timeout,
        string? CorrelationId,
        Uri? CallbackUrl,
        IReadOnlyDictionary<string, string>? Tags,
        IReadOnlyList<string>? Labels,
        IReadOnlyList<string>? DependsOn,
        DependencyFailure? OnDependencyFailure);

    /// <summary>The <c>POST /api/batches</c> body; the idempotency key goes in the header.</summary>
    private sealed record BatchBody(IReadOnlyList<SubmitBody> Jobs, SubmitBody? Continuation);

    /// <summary>The <c>PUT /api/schedules/{name}</c> body; <c>job</c> is a submit body.</summary>
    private sealed record ScheduleBody(string Cron, string? TimeZone, JsonElement Job, ScheduleMisfire? Misfire, ScheduleOverlap? Overlap, bool? Paused);

    /// <summary>The answer of <c>GET /api/schedules</c>.</summary>
    private sealed record SchedulePage(IReadOnlyList<ScheduleInfo> Items);

    /// <summary>The body of <c>GET /api/job-types</c>.</summary>
    private sealed record JobTypeList(IReadOnlyList<JobTypeInfo> Items);

    /// <summary>The body of <c>GET /api/queues</c>.</summary>
    private sealed record QueueList(IReadOnlyList<QueueInfo> Items);

    /// <summary>One page of <c>GET /api/jobs</c>.</summary>
    private sealed record JobPage(IReadOnlyList<JobInfo> Items, string? NextCursor);
}

using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace OrleansJobs.Client;

// The schedules and queues API of OrleansJobsClient: the operator's side (what runs when, and how much at once), kept
// beside the jobs API in a file of its own.
public sealed partial class OrleansJobsClient
{
    /// <inheritdoc />
    public Task<ScheduleInfo> PutScheduleAsync(string name, ScheduleRequest schedule, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentException.ThrowIfNullOrWhiteSpace(schedule.Cron, nameof(schedule));
        var options = schedule.JobOptions ?? new SubmitOptions();
        if (options.RunAt is not null || options.Delay is not null || options.IdempotencyKey is not null)
            throw new ArgumentException("A schedule decides when its jobs run and their idempotency keys: leave RunAt, Delay and IdempotencyKey unset.", nameof(schedule));
        var job = PrepareSubmit(schedule.JobType, schedule.Payload is { } payload ? SerializePayload(payload) : null, options);
        var body = new ScheduleBody(schedule.Cron, schedule.TimeZone, JsonSerializer.Deserialize<JsonElement>(job.Body), schedule.Misfire, schedule.Overlap, schedule.Paused);
        return SendAsync<ScheduleInfo>(HttpMethod.Put, SchedulePath(name), jobId: null, request =>
            request.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, ApiJson)) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
            cancellationToken, name);
    }

    /// <inheritdoc />
    public Task<ScheduleInfo> GetScheduleAsync(string name, CancellationToken cancellationToken = default) =>
        SendAsync<ScheduleInfo>(HttpMethod.Get, SchedulePath(name), jobId: null, configure: null, cancellationToken, name);

    /// <inheritdoc />
    public async Task<IReadOnlyList<ScheduleInfo>> ListSchedulesAsync(CancellationToken cancellationToken = default) =>
        (await SendAsync<SchedulePage>(HttpMethod.Get, "api/schedules", jobId: null, configure: null, cancellationToken).ConfigureAwait(false)).Items;

    /// <inheritdoc />
    public async Task DeleteScheduleAsync(string name, CancellationToken cancellationToken = default)
    {
        using var response = await SendCoreAsync(HttpMethod.Delete, SchedulePath(name), jobId: null, configure: null, cancellationToken, name).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<ScheduleInfo> PauseScheduleAsync(string name, CancellationToken cancellationToken = default) =>
        SendAsync<ScheduleInfo>(HttpMethod.Post, SchedulePath(name) + "/pause", jobId: null, configure: null, cancellationToken, name);

    /// <inheritdoc />
    public Task<ScheduleInfo> ResumeScheduleAsync(string name, CancellationToken cancellationToken = default) =>
        SendAsync<ScheduleInfo>(HttpMethod.Post, SchedulePath(name) + "/resume", jobId: null, configure: null, cancellationToken, name);

    /// <inheritdoc />
    public Task<JobInfo> TriggerScheduleAsync(string name, CancellationToken cancellationToken = default) =>
        SendAsync<JobInfo>(HttpMethod.Post, SchedulePath(name) + "/trigger", jobId: null, configure: null, cancellationToken, name);

    private static string SchedulePath(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return "api/schedules/" + Uri.EscapeDataString(name);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<JobTypeInfo>> ListJobTypesAsync(CancellationToken cancellationToken = default) =>
        (await SendAsync<JobTypeList>(HttpMethod.Get, "api/job-types", jobId: null, configure: null, cancellationToken).ConfigureAwait(false)).Items;

    /// <inheritdoc />
    public Task<JobTypeInfo> SetJobTypeExternalAsync(string type, bool external, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        return SendAsync<JobTypeInfo>(HttpMethod.Put, "api/job-types/" + Uri.EscapeDataString(type), jobId: null,
            request => request.Content = JsonContent.Create(new { external }, options: ApiJson), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<QueueInfo>> ListQueuesAsync(CancellationToken cancellationToken = default) =>
        (await SendAsync<QueueList>(HttpMethod.Get, "api/queues", jobId: null, configure: null, cancellationToken).ConfigureAwait(false)).Items;

    /// <inheritdoc />
    public Task<QueueInfo> GetQueueAsync(string name, CancellationToken cancellationToken = default) =>
        SendAsync<QueueInfo>(HttpMethod.Get, QueuePath(name), jobId: null, configure: null, cancellationToken);

    /// <inheritdoc />
    public Task<QueueInfo> ConfigureQueueAsync(string name, QueueLimits limits, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(limits);
        return SendAsync<QueueInfo>(HttpMethod.Put, QueuePath(name), jobId: null,
            // Nulls are sent: PUT replaces every limit, and a null one is removed.
            request => request.Content = JsonContent.Create(limits, options: QueueJson), cancellationToken);
    }

    /// <inheritdoc />
    public Task<QueueInfo> PauseQueueAsync(string name, CancellationToken cancellationToken = default) =>
        SendAsync<QueueInfo>(HttpMethod.Post, QueuePath(name) + "/pause", jobId: null, configure: null, cancellationToken);

    /// <inheritdoc />
    public Task<QueueInfo> ResumeQueueAsync(string name, CancellationToken cancellationToken = default) =>
        SendAsync<QueueInfo>(HttpMethod.Post, QueuePath(name) + "/resume", jobId: null, configure: null, cancellationToken);

    private static string QueuePath(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return "api/queues/" + Uri.EscapeDataString(name);
    }
}

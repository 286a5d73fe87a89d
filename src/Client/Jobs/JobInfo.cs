using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansJobs.Client;

/// <summary>A job as the service reports it: its request, its status, its attempts, and its outcome.</summary>
public sealed record JobInfo
{
    /// <summary>The job's id, <c>job_</c> followed by 32 hex digits.</summary>
    public required string Id { get; init; }

    /// <summary>The job type: the name of the handler that runs it.</summary>
    public required string Type { get; init; }

    /// <summary>The queue the job runs in.</summary>
    public required string Queue { get; init; }

    /// <summary>The job's priority within its queue; higher runs first.</summary>
    public int Priority { get; init; }

    /// <summary>Where the job is in its lifecycle.</summary>
    public JobStatus Status { get; init; }

    /// <summary>The number of the current or last attempt; 0 before the first one starts.</summary>
    public int Attempt { get; init; }

    /// <summary>How many attempts the job may make before it fails for good.</summary>
    public int MaxAttempts { get; init; }

    /// <summary>The payload the job was submitted with, or null when it had none.</summary>
    public JsonElement? Payload { get; init; }

    /// <summary>The last progress its handler reported, or null when it reported none.</summary>
    public JobProgress? Progress { get; init; }

    /// <summary>What the handler returned, once the job has <see cref="JobStatus.Succeeded"/>; read it with <see cref="GetResult{T}"/>.</summary>
    public JsonElement? Result { get; init; }

    /// <summary>Why the job failed, when it has <see cref="JobStatus.Failed"/> (or why its last attempt failed).</summary>
    public JobError? Error { get; init; }

    /// <summary>Every attempt so far, oldest first.</summary>
    public IReadOnlyList<JobAttempt> Attempts { get; init; } = [];

    /// <summary>When the job was submitted (UTC).</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the job is due to run, while it waits for its start time or a retry backoff.</summary>
    public DateTimeOffset? ScheduledAt { get; init; }

    /// <summary>When the first attempt started.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When the job finished.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>When the next attempt is due, while the job waits out a retry backoff.</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }

    /// <summary>Jobs that share a concurrency key run one at a time.</summary>
    public string? ConcurrencyKey { get; init; }

    /// <summary>The idempotency key the job was submitted with; the client sends one with every submit.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>The caller's correlation id, if it gave one.</summary>
    public string? CorrelationId { get; init; }

    /// <summary>The W3C trace id the job's attempts join, when the submit was traced.</summary>
    public string? TraceId { get; init; }

    /// <summary>How long one attempt may run, or null for no limit.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>The backoff between failed attempts.</summary>
    public RetryPolicy? Retry { get; init; }

    /// <summary>The caller's tags.</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    /// <summary>The names the job was submitted with to find it by (<see cref="SubmitOptions.Labels"/>).</summary>
    public IReadOnlyList<string>? Labels { get; init; }

    /// <summary>The <see cref="JobEvent.Sequence"/> of the job's latest event: a watch yields only events above it.</summary>
    public long Sequence { get; init; }

    /// <summary>The batch the job is a member (or the continuation) of, if any.</summary>
    public string? BatchId { get; init; }

    /// <summary>The jobs this one waits for (<see cref="SubmitOptions.DependsOn"/>), if any.</summary>
    public IReadOnlyList<string>? DependsOn { get; init; }

    /// <summary>What the job does when one of <see cref="DependsOn"/> fails or is cancelled; null without dependencies.</summary>
    public DependencyFailure? OnDependencyFailure { get; init; }

    /// <summary>
    /// The name of the API key that submitted the job; null for jobs submitted without a key (or by the service's own
    /// code). A key without <c>admin</c> sees only the jobs it owns.
    /// </summary>
    public string? Owner { get; init; }

    /// <summary>True once the job is <see cref="JobStatus.Succeeded"/>, <see cref="JobStatus.Failed"/> or <see cref="JobStatus.Cancelled"/>.</summary>
    [JsonIgnore]
    public bool IsFinished => Status.IsTerminal();

    /// <summary>
    /// Reads <see cref="Result"/> as a <typeparamref name="T"/>; a job whose handler returned nothing gives <c>default</c>.
    /// </summary>
    /// <typeparam name="T">The type the handler's result deserializes to.</typeparam>
    /// <param name="options">Serializer options; by default the web defaults (camelCase, case-insensitive).</param>
    /// <exception cref="InvalidOperationException">The job has not succeeded (yet); the message says its status and error.</exception>
    public T? GetResult<T>(JsonSerializerOptions? options = null)
    {
        if (Status != JobStatus.Succeeded)
            throw new InvalidOperationException(
                $"Job '{Id}' has no result: it is {Status}{(Error is { } error ? $" ({error.Message})" : "")}.");
        return Result is { ValueKind: not JsonValueKind.Null } result
            ? result.Deserialize<T>(options ?? JsonSerializerOptions.Web)
            : default;
    }

    /// <summary>Reads <see cref="Payload"/> as a <typeparamref name="T"/>, or <c>default</c> when the job has none.</summary>
    /// <typeparam name="T">The type the payload deserializes to.</typeparam>
    /// <param name="options">Serializer options; by default the web defaults (camelCase, case-insensitive).</param>
    public T? GetPayload<T>(JsonSerializerOptions? options = null) =>
        Payload is { ValueKind: not JsonValueKind.Null } payload ? payload.Deserialize<T>(options ?? JsonSerializerOptions.Web) : default;
}

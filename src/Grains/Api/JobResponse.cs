using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansJobs.Api;

/// <summary>
/// A job as the HTTP API shows it (the README's "Using the API" shows it in use), and as completion callbacks post it.
/// <c>sequence</c> is that of the job's latest event (hub, SSE): a watcher that read the job here applies only events above it.
/// <c>batchId</c> names the batch of a member or continuation; <c>dependsOn</c> the jobs it waits for, with
/// <c>onDependencyFailure</c> (shown only with them); <c>owner</c> the API key that submitted it (null for anonymous callers and
/// the application's own code), which only that key and <c>admin</c> keys see; <c>labels</c> the names the listing finds it by.
/// </summary>
public sealed record JobResponse(
    string Id,
    string Type,
    string Queue,
    int Priority,
    JobStatus Status,
    int Attempt,
    int MaxAttempts,
    JsonElement? Payload,
    ProgressResponse? Progress,
    JsonElement? Result,
    ErrorResponse? Error,
    IReadOnlyList<AttemptResponse> Attempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ScheduledAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt,
    DateTimeOffset? NextAttemptAt,
    string? ConcurrencyKey,
    string? IdempotencyKey,
    string? CorrelationId,
    string? TraceId,
    TimeSpan? Timeout,
    RetryResponse Retry,
    IReadOnlyDictionary<string, string>? Tags,
    long Sequence,
    string? BatchId,
    IReadOnlyList<string>? DependsOn,
    DependencyFailure? OnDependencyFailure,
    string? Owner,
    IReadOnlyList<string>? Labels)
{
    /// <summary>
    /// The JSON options of the API (ASP.NET Core's web defaults: camelCase) with enums as names. The silo host adds
    /// the same converter to its HTTP JSON options, so a callback body is exactly what <c>GET /api/jobs/{id}</c> shows.
    /// </summary>
    public static JsonSerializerOptions JsonOptions { get; } = UseApiJson(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    /// <summary>Adds what the API's JSON needs beyond the web defaults to <paramref name="options"/>.</summary>
    public static JsonSerializerOptions UseApiJson(JsonSerializerOptions options)
    {
        options.Converters.Add(new JsonStringEnumConverter());
        return options;
    }

    public static JobResponse From(JobState job)
    {
        var spec = job.Spec!;
        return new JobResponse(
            job.Id, spec.Type, spec.Queue, spec.Priority, job.Status, job.Attempt, spec.MaxAttempts,
            Json(spec.Payload),
            job.Progress is { } progress ? ProgressResponse.From(progress) : null,
            Json(job.Result),
            job.Error is { } error ? ErrorResponse.From(error) : null,
            job.Attempts.Select(AttemptResponse.From).ToList(),
            job.CreatedAt, job.ScheduledAt, job.StartedAt, job.CompletedAt, job.NextAttemptAt,
            spec.ConcurrencyKey, spec.IdempotencyKey, spec.CorrelationId, job.TraceId, spec.Timeout,
            RetryResponse.From(spec.Retry),
            spec.Tags,
            job.Sequence,
            spec.BatchId,
            spec.DependsOn,
            spec.DependsOn is { Count: > 0 } ? spec.OnDependencyFailure : null,
            spec.Owner,
            spec.Labels);
    }

    /// <summary>Raw JSON text (a payload, a result) as it goes out in a response.</summary>
    public static JsonElement? Json(string? raw) => raw is null ? null : JsonSerializer.Deserialize<JsonElement>(raw);
}

using System.Text.Json;

namespace OrleansJobs.Handlers;

/// <summary>Everything a handler gets for one attempt.</summary>
public sealed class JobContext
{
    public required string JobId { get; init; }
    public required string Type { get; init; }
    /// <summary>The payload as raw JSON text, or null when the job has none.</summary>
    public string? PayloadJson { get; init; }
    /// <summary>1 for the first attempt; handlers use it to stay idempotent across retries.</summary>
    public required int Attempt { get; init; }
    public required int MaxAttempts { get; init; }
    public string? CorrelationId { get; init; }
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
    public required IJobProgressReporter Progress { get; init; }
    public required ILogger Logger { get; init; }
    public required IServiceProvider Services { get; init; }
    public CancellationToken CancellationToken { get; init; }

    /// <summary>
    /// The payload bound to <typeparamref name="T"/> with the API's JSON, as typed handlers get theirs (camelCase,
    /// case-insensitive, enums as names), but not validated; default when absent.
    /// </summary>
    public T? GetPayload<T>() =>
        PayloadJson is null ? default : JsonSerializer.Deserialize<T>(PayloadJson, JobPayloadBinder.JsonOptions);
}

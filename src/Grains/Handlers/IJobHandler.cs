using System.Text.Json;
using System.Text.Json.Nodes;

namespace OrleansJobs.Handlers;

/// <summary>
/// Runs one attempt of a job type. Registered with <c>services.AddJobHandler&lt;T&gt;("type")</c>.
/// Throw to fail the attempt (it is retried under the job's policy); throw <see cref="JobFailedException"/>
/// with <c>retryable: false</c> to fail the job at once. Honour <see cref="JobContext.CancellationToken"/>:
/// it fires on cancel, timeout and shutdown.
/// </summary>
public interface IJobHandler
{
    Task<JsonNode?> ExecuteAsync(JobContext context);
}

/// <summary>Lets a handler report how far it has got. Cheap to call often: reports are coalesced.</summary>
public interface IJobProgressReporter
{
    void Report(double? percent, string? message = null);
}

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

    private static readonly JsonSerializerOptions PayloadOptions = new(JsonSerializerDefaults.Web);

    /// <summary>The payload bound to <typeparamref name="T"/> (camelCase, case-insensitive); default when absent.</summary>
    public T? GetPayload<T>() =>
        PayloadJson is null ? default : JsonSerializer.Deserialize<T>(PayloadJson, PayloadOptions);
}

/// <summary>Thrown by a handler to fail an attempt with a chosen retry decision.</summary>
public class JobFailedException(string message, bool retryable = true, Exception? inner = null) : Exception(message, inner)
{
    public bool Retryable { get; } = retryable;
}

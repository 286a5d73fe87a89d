using System.Collections;

namespace OrleansJobs.Telemetry;

/// <summary>
/// The logging scope of one attempt: structured values <c>JobId</c>, <c>Attempt</c>, <c>TraceId</c> and
/// <c>CorrelationId</c> on every line logged while it runs (the JSON console formatter writes them as fields).
/// </summary>
public sealed class AttemptLogScope(string jobId, int attempt, string? traceId, string? correlationId) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public int Count => 4;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("JobId", jobId),
        1 => new("Attempt", attempt),
        2 => new("TraceId", traceId),
        3 => new("CorrelationId", correlationId),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++) yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"JobId:{jobId} Attempt:{attempt} TraceId:{traceId} CorrelationId:{correlationId}";
}

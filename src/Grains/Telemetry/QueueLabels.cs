using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace OrleansJobs.Telemetry;

/// <summary>
/// The <c>queue</c> label of the job metrics. Queue names come from callers, and every distinct label value is a time
/// series kept by this silo and by every scraper, so only the first <see cref="TelemetryOptions.MaxQueueLabels"/>
/// names this silo sees get one of their own; the rest are counted under <see cref="Other"/>.
/// </summary>
public sealed class QueueLabels(IOptions<TelemetryOptions> options)
{
    public const string Other = "other";

    private readonly ConcurrentDictionary<string, byte> _named = new(StringComparer.Ordinal);

    public string Of(string queue)
    {
        if (_named.ContainsKey(queue)) return queue;
        // Racing first sightings may pass the limit by a few: a bound, not an exact count.
        if (_named.Count >= options.Value.MaxQueueLabels) return Other;
        _named.TryAdd(queue, 0);
        return queue;
    }
}

using System.Diagnostics;

namespace OrleansJobs.Bench.Compare;

/// <summary>What the driver saw of one workload's submits: when each was sent, how long its acknowledgement took, what failed.</summary>
public sealed class Submissions(int count)
{
    private long _lastAckTicks;
    private int _acked;
    private int _errors;
    private string? _firstError;

    public int Count => count;
    public DateTimeOffset[] SentAt { get; } = new DateTimeOffset[count];

    /// <summary>Response time of each acknowledged submit in milliseconds; NaN where none came.</summary>
    public double[] ResponseMs { get; } = Enumerable.Repeat(double.NaN, count).ToArray();

    public int Acked => Volatile.Read(ref _acked);

    /// <summary>Submits that got no acknowledgement: the errors and those the workload's cap cut off.</summary>
    public int Unanswered => Count - Acked;

    /// <summary>The response times of the acknowledged submits in milliseconds, fastest first (for percentiles).</summary>
    public double[] AnsweredMs() => ResponseMs.Where(ms => !double.IsNaN(ms)).Order().ToArray();
    public int Errors => Volatile.Read(ref _errors);
    public string? FirstError => _firstError;
    public DateTimeOffset FirstSent => SentAt.Where(t => t != default).DefaultIfEmpty(DateTimeOffset.UtcNow).Min();
    public DateTimeOffset LastAck => new(Interlocked.Read(ref _lastAckTicks), TimeSpan.Zero);

    public async Task SubmitAsync(IJobSystem system, JobOrder order, CancellationToken cancellationToken)
    {
        SentAt[order.Index] = DateTimeOffset.UtcNow;
        var clock = Stopwatch.GetTimestamp();
        try
        {
            await system.SubmitAsync(order, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return; // the workload's time cap: not acknowledged, not an error
        }
        catch (Exception ex)
        {
            Interlocked.Increment(ref _errors);
            Interlocked.CompareExchange(ref _firstError, ex.Message, null);
            return;
        }

        ResponseMs[order.Index] = Stopwatch.GetElapsedTime(clock).TotalMilliseconds;
        Interlocked.Increment(ref _acked);
        var now = DateTimeOffset.UtcNow.UtcTicks;
        for (var last = Interlocked.Read(ref _lastAckTicks); now > last; last = Interlocked.Read(ref _lastAckTicks))
            if (Interlocked.CompareExchange(ref _lastAckTicks, now, last) == last) break;
    }
}

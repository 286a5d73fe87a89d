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

/// <summary>The two load shapes (a burst from a few producers; a steady open-loop rate) and the wait for the jobs to finish.</summary>
public static class Load
{
    /// <summary><paramref name="producers"/> loops, each submitting the next job as soon as its previous one is acknowledged.</summary>
    public static async Task<Submissions> BurstAsync(IJobSystem system, int count, int producers, Func<int, JobOrder> order, TimeSpan cap, CancellationToken cancellationToken)
    {
        var submissions = new Submissions(count);
        using var capped = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        capped.CancelAfter(cap);
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, producers).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < count && !capped.IsCancellationRequested; i = Interlocked.Increment(ref next))
                await submissions.SubmitAsync(system, order(i), capped.Token);
        })));
        cancellationToken.ThrowIfCancellationRequested();
        return submissions;
    }

    /// <summary>
    /// Submits at <paramref name="rate"/> a second for <paramref name="duration"/> whether or not earlier submits were answered
    /// (open loop: a slow system is not allowed to slow the load down and hide its own latency).
    /// </summary>
    public static async Task<Submissions> SteadyAsync(IJobSystem system, int rate, TimeSpan duration, Func<int, JobOrder> order, TimeSpan cap, CancellationToken cancellationToken)
    {
        var count = (int)(rate * duration.TotalSeconds);
        var submissions = new Submissions(count);
        using var capped = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        capped.CancelAfter(duration + cap);
        var clock = Stopwatch.StartNew();
        var inFlight = new List<Task>(count);
        for (var i = 0; i < count && !capped.IsCancellationRequested; i++)
        {
            var wait = TimeSpan.FromSeconds(i / (double)rate) - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait, capped.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            if (!capped.IsCancellationRequested) inFlight.Add(submissions.SubmitAsync(system, order(i), capped.Token));
        }
        await Task.WhenAll(inFlight);
        cancellationToken.ThrowIfCancellationRequested();
        return submissions;
    }

    /// <summary>Waits until the workload's jobs have all finished (or <paramref name="deadline"/> passes), then reads what ran.</summary>
    public static async Task<(IReadOnlyList<JobTimes> Jobs, bool Drained)> DrainAsync(IJobSystem system, string workload, Submissions submissions, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var drained = false;
        while (!(drained = await system.IsDrainedAsync(workload, submissions.Acked, cancellationToken)) && DateTimeOffset.UtcNow < deadline)
            await Task.Delay(200, cancellationToken);
        return (await system.ReadAsync(workload, cancellationToken), drained);
    }
}

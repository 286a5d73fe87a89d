using System.Diagnostics;

namespace OrleansJobs.Bench.Compare;

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
        var drained = await UntilDrainedAsync(system, workload, submissions, deadline, cancellationToken);
        return (await system.ReadAsync(workload, cancellationToken), drained);
    }

    /// <summary>
    /// Waits until the workload's jobs have all finished (true) or <paramref name="deadline"/> passes (false), without
    /// reading them: a burst takes its CPU readings here, before the read. Reading 20,000 jobs back costs OrleansJobs a
    /// silo's and a database's work over HTTP, where Hangfire's job methods recorded their times in this process.
    /// </summary>
    public static async Task<bool> UntilDrainedAsync(IJobSystem system, string workload, Submissions submissions, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        bool drained;
        while (!(drained = await system.IsDrainedAsync(workload, submissions.Acked, cancellationToken)) && DateTimeOffset.UtcNow < deadline)
            await Task.Delay(200, cancellationToken);
        return drained;
    }
}

using System.Runtime;
using Microsoft.Extensions.Options;

namespace OrleansJobs.Server.Hosting;

/// <summary>
/// Gives memory back to the operating system when the silo goes quiet. The GC keeps the memory a busy period grew the
/// heap to, sized for the next burst; a job service spends long stretches waiting for its next due job, and that memory
/// is then held for nothing. Once the silo has allocated next to nothing for <see cref="JobServiceOptions.IdleTrimAfter"/>,
/// one full, compacting collection in the GC's aggressive mode returns the free part of the heap (about 20 ms on a small
/// heap); <see cref="IdleTrimPolicy"/> says when again. It also runs once shortly after start, for the garbage
/// start-up leaves behind.
/// </summary>
public sealed class IdleMemoryTrimmer(IOptions<JobServiceOptions> options, ILogger<IdleMemoryTrimmer> logger) : BackgroundService
{
    private int _trims;

    /// <summary>Collections run so far (start-up included).</summary>
    public int Trims => Volatile.Read(ref _trims);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var after = options.Value.IdleTrimAfter;
        if (after <= TimeSpan.Zero) return;
        try
        {
            await Task.Delay(after, stoppingToken);
            var policy = new IdleTrimPolicy(Trim("start-up"));
            using var timer = new PeriodicTimer(after / IdleTrimPolicy.QuietChecks);
            var allocated = GC.GetTotalAllocatedBytes();
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var now = GC.GetTotalAllocatedBytes();
                if (policy.Check(now - allocated, Environment.WorkingSet) is { } reason) policy.Trimmed(Trim(reason));
                allocated = GC.GetTotalAllocatedBytes();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Returns the working set after the collection.</summary>
    private long Trim(string reason)
    {
        var before = Environment.WorkingSet;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var after = Environment.WorkingSet;
        Interlocked.Increment(ref _trims);
        logger.LogDebug("Memory trimmed ({Reason}) in {Elapsed:N1} ms: working set {Before} MiB -> {After} MiB",
            reason, watch.Elapsed.TotalMilliseconds, before >> 20, after >> 20);
        return after;
    }
}

using System.Runtime;
using Microsoft.Extensions.Options;

namespace OrleansJobs.Silo.Hosting;

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

/// <summary>
/// When <see cref="IdleMemoryTrimmer"/> collects: it checks at a quarter of the idle period, and the silo counts as idle
/// after <see cref="QuietChecks"/> quiet checks in a row. Idle after a busy period: trim. Still idle: the GC's budget lets
/// background work (Orleans' timers, the event queues' polling) regrow the heap, so trim again once the working set
/// has grown by <see cref="RegrowthBytes"/> since the last trim.
/// </summary>
public sealed class IdleTrimPolicy(long trimmedTo)
{
    public const int QuietChecks = 4;

    /// <summary>Allocations per check below which it is quiet: Orleans' own timers and the event queues' polling stay well under it.</summary>
    public const long IdleAllocationBytes = 16 * 1024 * 1024;

    /// <summary>Growth of the working set since the last trim that makes an idle silo trim again.</summary>
    public const long RegrowthBytes = 16 * 1024 * 1024;

    private long _trimmedTo = trimmedTo;
    private int _quiet;
    private bool _busySinceTrim;

    /// <summary>Returns why to trim now, or null.</summary>
    public string? Check(long allocatedSinceLastCheck, long workingSet)
    {
        if (allocatedSinceLastCheck > IdleAllocationBytes)
        {
            _quiet = 0;
            _busySinceTrim = true;
            return null;
        }

        if (++_quiet < QuietChecks) return null;
        if (_busySinceTrim) return "idle";
        return workingSet > _trimmedTo + RegrowthBytes ? "regrown while idle" : null;
    }

    public void Trimmed(long workingSet)
    {
        _trimmedTo = workingSet;
        _busySinceTrim = false;
    }
}

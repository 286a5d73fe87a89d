namespace OrleansJobs.Server.Hosting;

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

using System.Diagnostics;

namespace MigrateSyncEndpoint;

/// <summary>
/// The legacy report's work, page by page: a slice of CPU (hashing rows) and a wait on I/O (the database query).
/// <see cref="RenderPageBlocking"/> waits the way the old code did, holding its thread; <see cref="RenderPageAsync"/>
/// is the same page with the wait awaited.
/// </summary>
public static class ReportWork
{
    /// <summary>The CPU part of one page.</summary>
    public static readonly TimeSpan CpuPerPage = TimeSpan.FromMilliseconds(25);

    /// <summary>The I/O part of one page.</summary>
    public static readonly TimeSpan IoPerPage = TimeSpan.FromMilliseconds(475);

    /// <summary>One page, blocking its thread on the I/O part.</summary>
    public static long RenderPageBlocking(int page)
    {
        var checksum = Crunch(page);
        Thread.Sleep(IoPerPage);
        return checksum;
    }

    /// <summary>One page, awaiting the I/O part.</summary>
    public static async Task<long> RenderPageAsync(int page, CancellationToken cancellationToken)
    {
        var checksum = Crunch(page);
        await Task.Delay(IoPerPage, cancellationToken);
        return checksum;
    }

    /// <summary>Busy work for <see cref="CpuPerPage"/> of thread time (less wall time is not possible on a busy core).</summary>
    private static long Crunch(int page)
    {
        var clock = Stopwatch.StartNew();
        var checksum = (long)page;
        while (clock.Elapsed < CpuPerPage)
        {
            for (var i = 0; i < 10_000; i++) checksum = checksum * 31 + i;
        }
        return checksum;
    }
}

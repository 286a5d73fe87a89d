using System.Runtime.InteropServices;

namespace OrleansJobs.Bench.Compare;

/// <summary>
/// How fast the host itself runs memory-bound work over a stretch of time, apart from the systems measured: a thread of
/// its own times one fixed unit of work about once a second (<see cref="Reads"/> dependent reads at pseudo-random places
/// in a 16 MiB table, the kind of work a silo and a database server spend much of their time on) by the thread's own
/// CPU clock, so that waiting for a core does not count, only how long the work takes once it runs. On a shared host
/// other tenants' use of the caches and the memory bus slows such work down, and the silo's and the database's CPU per
/// job with it; a burst's median reading, printed beside its CPU per job, says how loud that noise was meanwhile
/// (docs/benchmarks.md, "what the noise follows"). One unit takes about 10 ms: about 1 % of one core.
/// </summary>
public sealed class HostProbe : IDisposable
{
    private const int TableEntries = 4 << 20;
    private const int Reads = 60_000;
    private const int ThreadCpuClock = 3; // CLOCK_THREAD_CPUTIME_ID
    private static readonly Lazy<int[]> Table = new(() => Enumerable.Range(0, TableEntries).Select(i => (int)(i * 2654435761u)).ToArray());

    private readonly List<double> _readings = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;

    private HostProbe()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "host probe" };
        _thread.Start();
    }

    /// <summary>Starts timing the unit now, and about once a second after that.</summary>
    public static HostProbe Start() => new();

    /// <summary>Stops, and returns the median of the units timed since <see cref="Start"/>, in ms of the thread's CPU; NaN for none.</summary>
    public double Stop()
    {
        _stop.Cancel();
        _thread.Join();
        lock (_readings) return _readings.Count == 0 ? double.NaN : Benchmark.MedianOf(_readings);
    }

    public void Dispose()
    {
        if (_thread.IsAlive) Stop();
        _stop.Dispose();
    }

    private void Run()
    {
        var table = Table.Value;
        var sink = 0;
        do
        {
            var before = ThreadCpuMilliseconds();
            sink ^= Unit(table);
            var ms = ThreadCpuMilliseconds() - before;
            if (!double.IsNaN(ms)) lock (_readings) _readings.Add(ms);
        }
        while (!_stop.Token.WaitHandle.WaitOne(TimeSpan.FromSeconds(1)));
        GC.KeepAlive(sink);
    }

    private static int Unit(int[] table)
    {
        uint index = 1, hash = 2166136261;
        for (var i = 0; i < Reads; i++)
        {
            index = (uint)table[index & (TableEntries - 1)] ^ hash;
            hash = (hash ^ index) * 16777619;
        }
        return (int)hash;
    }

    private static double ThreadCpuMilliseconds() =>
        clock_gettime(ThreadCpuClock, out var time) == 0 ? time.Seconds * 1e3 + time.Nanoseconds / 1e6 : double.NaN;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int clock_gettime(int clock, out TimeSpec time);
}

using System.Globalization;

namespace OrleansJobs.Bench.Compare;

/// <summary>
/// The CPU time of the PostgreSQL server's processes on this machine over a stretch of time: the postmaster, its
/// background processes and every backend, including backends that connect after the start (a backend that exits
/// counts up to its last sample, at most <see cref="Interval"/> before it ended). Reads <c>/proc</c>: every process
/// named <c>postgres</c> counts, so the benchmark's server must run on this machine, and no other one should.
/// </summary>
public sealed class PostgresCpu : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    // Keyed by pid and start time: a pid the system hands to a new process within the stretch is a new process.
    private readonly Dictionary<(int Pid, long Started), (long First, long Last)> _ticks = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;

    private PostgresCpu()
    {
        Sample(atStart: true);
        _sampling = Task.Run(SampleAsync);
    }

    /// <summary>Starts counting from now.</summary>
    public static PostgresCpu Start() => new();

    /// <summary>
    /// Stops, and returns the server's CPU seconds since <see cref="Start"/>; null when no PostgreSQL process was seen on
    /// this machine (a server elsewhere: its CPU cannot be read from here).
    /// </summary>
    public async Task<double?> StopAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        Sample(atStart: false);
        return _ticks.Count == 0 ? null : _ticks.Values.Sum(t => t.Last - t.First) / (double)Machine.ClockTicksPerSecond;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        _stop.Dispose();
    }

    private async Task SampleAsync()
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token)) Sample(atStart: false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    // A process first seen after the start counts from zero: all of its CPU was spent since.
    private void Sample(bool atStart)
    {
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out var pid) || Read(folder) is not var (started, ticks)) continue;
            var key = (pid, started);
            _ticks[key] = _ticks.TryGetValue(key, out var seen) ? (seen.First, ticks) : (atStart ? ticks : 0, ticks);
        }
    }

    /// <summary>
    /// A postgres process's start time and its utime + stime (fields 22, 14 and 15 of its stat line, in clock ticks), or
    /// null for any other process or one gone.
    /// </summary>
    private static (long Started, long Ticks)? Read(string folder)
    {
        try
        {
            var stat = File.ReadAllText(Path.Combine(folder, "stat"));
            var open = stat.IndexOf('(');
            var close = stat.LastIndexOf(')');
            if (open < 0 || close < 0 || stat[(open + 1)..close] != "postgres") return null;
            // After the name: fields[0] is field 3 (the state), so field n is fields[n - 3].
            var fields = stat[(close + 2)..].Split(' ');
            long Field(int n) => long.Parse(fields[n - 3], CultureInfo.InvariantCulture);
            return (Field(22), Field(14) + Field(15));
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}

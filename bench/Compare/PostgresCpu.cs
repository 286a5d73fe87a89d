using System.Globalization;

namespace OrleansJobs.Bench.Compare;

/// <summary>
/// The CPU time of the PostgreSQL server's processes on this machine over a stretch of time: the postmaster, its
/// background processes and every backend, including backends that connect after the start (a backend that exits
/// counts up to its last sample, at most <see cref="Interval"/> before it ended). Reads <c>/proc</c>, so the server
/// must run on this machine, as the benchmark's does.
/// </summary>
public sealed class PostgresCpu : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private readonly Dictionary<int, (long First, long Last)> _ticks = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;

    private PostgresCpu()
    {
        Sample(atStart: true);
        _sampling = Task.Run(SampleAsync);
    }

    /// <summary>Starts counting from now.</summary>
    public static PostgresCpu Start() => new();

    /// <summary>Stops, and returns the server's CPU seconds since <see cref="Start"/>.</summary>
    public async Task<double> StopAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        Sample(atStart: false);
        return _ticks.Values.Sum(t => t.Last - t.First) / (double)Machine.ClockTicksPerSecond;
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
            if (!int.TryParse(Path.GetFileName(folder), out var pid) || Ticks(folder) is not { } ticks) continue;
            _ticks[pid] = _ticks.TryGetValue(pid, out var seen) ? (seen.First, ticks) : (atStart ? ticks : 0, ticks);
        }
    }

    /// <summary>utime + stime of a postgres process (fields 14 and 15 of its stat line), or null for any other process or one gone.</summary>
    private static long? Ticks(string folder)
    {
        try
        {
            var stat = File.ReadAllText(Path.Combine(folder, "stat"));
            var close = stat.LastIndexOf(')');
            var open = stat.IndexOf('(');
            if (open < 0 || close < 0 || stat[(open + 1)..close] != "postgres") return null;
            var fields = stat[(close + 2)..].Split(' ');
            // fields[0] is the state (field 3); utime and stime are fields 14 and 15.
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
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

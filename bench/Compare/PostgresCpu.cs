using System.Globalization;

namespace OrleansJobs.Bench.Compare;

/// <summary>
/// The CPU time of the PostgreSQL server's processes on this machine over a stretch of time: the postmaster, its
/// background processes and every backend, including backends that connect after the start (a backend that exits
/// counts up to its last sample, at most <see cref="Interval"/> before it ended). Reads <c>/proc</c>: every process
/// named <c>postgres</c> counts, so the benchmark's server must run on this machine, and no other one should. Given a
/// database, it also counts apart the backends connected to it (a backend's process title names its database): a job
/// system's own connections, against the server's background processes and everyone else's.
/// </summary>
public sealed class PostgresCpu : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    // Keyed by pid and start time: a pid the system hands to a new process within the stretch is a new process.
    private readonly Dictionary<(int Pid, long Started), (long First, long Last)> _ticks = [];
    private readonly HashSet<(int Pid, long Started)> _inDatabase = [];
    private readonly string? _database;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;

    private PostgresCpu(string? database)
    {
        _database = database;
        Sample(atStart: true);
        _sampling = Task.Run(SampleAsync);
    }

    /// <summary>Starts counting from now; the backends connected to <paramref name="database"/> also apart.</summary>
    public static PostgresCpu Start(string? database = null) => new(database);

    /// <summary>
    /// Stops, and returns the server's CPU seconds since <see cref="Start"/>, in all and in the backends connected to the
    /// database given there (0 when none was); null when no PostgreSQL process was seen on this machine (a server
    /// elsewhere: its CPU cannot be read from here).
    /// </summary>
    public async Task<(double All, double InDatabase)?> StopAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        Sample(atStart: false);
        if (_ticks.Count == 0) return null;
        double Seconds(IEnumerable<(long First, long Last)> ticks) => ticks.Sum(t => t.Last - t.First) / (double)Machine.ClockTicksPerSecond;
        return (Seconds(_ticks.Values), Seconds(_ticks.Where(t => _inDatabase.Contains(t.Key)).Select(t => t.Value)));
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
            // Looked at until it names the database: a backend sets its title once it has logged in.
            if (_database is not null && !_inDatabase.Contains(key) && Names(folder, _database)) _inDatabase.Add(key);
        }
    }

    /// <summary>Whether the process's title (a backend's: "postgres: …: user database client state") names the database.</summary>
    private static bool Names(string folder, string database)
    {
        try
        {
            return File.ReadAllText(Path.Combine(folder, "cmdline")).Replace('\0', ' ').Split(' ').Contains(database);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
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

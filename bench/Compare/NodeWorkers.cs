using System.Diagnostics;

namespace OrleansJobs.Bench.Compare;

/// <summary>
/// W7's external workers: processes of the reference Node worker (workers/node/worker.mjs, copied beside this driver),
/// each leasing the no-op job type from the silo with a number of leases in flight. Killed when disposed.
/// </summary>
public sealed class NodeWorkers : IAsyncDisposable
{
    /// <summary>The external job type the silo is told about (OrleansJobs:Workers:Types) and the workers lease.</summary>
    public const string JobType = "bench-external";

    private const int LogLines = 50;
    private readonly List<Process> _processes = [];
    private readonly Queue<string> _log = new();

    private NodeWorkers()
    {
    }

    /// <summary>Starts <paramref name="count"/> workers, each with <paramref name="leases"/> jobs in flight at most.</summary>
    public static NodeWorkers Start(Uri silo, int count, int leases)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "workers", "node", "worker.mjs");
        if (!File.Exists(script)) throw new FileNotFoundException("The Node reference worker is not beside the benchmark; build the solution first.", script);
        var workers = new NodeWorkers();
        try
        {
            for (var i = 1; i <= count; i++)
            {
                var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("ORLEANSJOBS_NODE") ?? "node")
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    WorkingDirectory = Path.GetTempPath(),
                };
                foreach (var arg in new[]
                         {
                             script, "--url", silo.ToString().TrimEnd('/'), "--type", JobType, "--name", $"bench-{i}",
                             "--concurrency", leases.ToString(System.Globalization.CultureInfo.InvariantCulture), "--quiet",
                         })
                    start.ArgumentList.Add(arg);
                var process = new Process { StartInfo = start };
                process.OutputDataReceived += (_, e) => workers.Append(e.Data);
                process.ErrorDataReceived += (_, e) => workers.Append(e.Data);
                process.Start();
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                workers._processes.Add(process);
            }
        }
        catch
        {
            workers.Kill();
            throw;
        }
        return workers;
    }

    /// <summary>CPU time the workers have used so far (user and system), all of them together.</summary>
    public TimeSpan CpuTime() => _processes.Aggregate(TimeSpan.Zero, (sum, p) =>
    {
        p.Refresh();
        return p.HasExited ? sum : sum + p.TotalProcessorTime;
    });

    /// <summary>Throws, with the workers' last output, when one of them has exited: a workload without its workers would only time out.</summary>
    public void EnsureRunning()
    {
        if (_processes.FirstOrDefault(p => p.HasExited) is { } exited)
            throw new InvalidOperationException($"A Node worker exited with code {exited.ExitCode}:\n{RecentOutput()}");
    }

    public string RecentOutput()
    {
        lock (_log) return string.Join('\n', _log);
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        return ValueTask.CompletedTask;
    }

    private void Kill()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }
            process.Dispose();
        }
        _processes.Clear();
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log)
        {
            if (_log.Count == LogLines) _log.Dequeue();
            _log.Enqueue(line);
        }
    }
}

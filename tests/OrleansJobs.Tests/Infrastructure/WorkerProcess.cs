using System.Diagnostics;

namespace OrleansJobs.Tests.Infrastructure;

/// <summary>A reference worker (<c>workers/</c>) run as a real process against a silo process, with its output kept.</summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _log = [];

    private WorkerProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    public string Name { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>The reference workers, by the name tests give them.</summary>
    public static readonly IReadOnlyDictionary<string, (string Runtime, string Script)> Languages = new Dictionary<string, (string, string)>
    {
        ["python"] = ("python3", Path.Combine("python", "worker.py")),
        ["node"] = ("node", Path.Combine("node", "worker.mjs")),
    };

    /// <summary>
    /// Starts the reference worker of <paramref name="language"/> (<see cref="Languages"/>) for <paramref name="type"/> (its
    /// example handler) against <paramref name="silo"/>, with a short lease and frequent heartbeats so that tests need not
    /// wait long for either.
    /// </summary>
    public static WorkerProcess Start(string language, SiloProcess silo, string name, string type, string lease = "3s", double heartbeatSeconds = 0.5) =>
        Start(Languages[language].Runtime, Languages[language].Script, silo, name, type, lease, heartbeatSeconds);

    private static WorkerProcess Start(string runtime, string script, SiloProcess silo, string name, string type, string lease, double heartbeatSeconds)
    {
        var start = new ProcessStartInfo(runtime)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] args = [Path.Combine(Tools.RepositoryRoot, "workers", script), "--url", silo.Http.BaseAddress!.ToString(), "--name", name, "--type", type,
            "--lease", lease, "--heartbeat", heartbeatSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["PYTHONUNBUFFERED"] = "1";
        var process = new Process { StartInfo = start };
        var worker = new WorkerProcess(process, name);
        process.OutputDataReceived += (_, e) => worker.Append(e.Data);
        process.ErrorDataReceived += (_, e) => worker.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return worker;
    }

    /// <summary>Every line the worker wrote so far.</summary>
    public IReadOnlyList<string> Output()
    {
        lock (_log) return [.. _log];
    }

    /// <summary>
    /// Waits until the worker has written a line that <paramref name="matches"/>: a line the worker prints after a call
    /// the silo has already answered reaches this process later than the silo's state does, so a test that saw the
    /// state reads the line only once it has arrived. Returns the output then.
    /// </summary>
    public async Task<IReadOnlyList<string>> UntilOutputAsync(Func<string, bool> matches, TimeSpan timeout, string message)
    {
        await Eventually.Until(() => Task.FromResult(Output().Any(matches)), timeout, TimeSpan.FromMilliseconds(50),
            $"{message}. Output of worker {Name}:\n{string.Join('\n', Output())}");
        return Output();
    }

    /// <summary>SIGKILL: the worker dies on the spot, holding whatever it leased.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>SIGTERM, then waits for the worker to exit; returns its exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        var exitCode = await SiloProcess.TerminateAsync(_process, timeout,
            () => $"Worker {Name} did not exit within {timeout} of SIGTERM. Output:\n{string.Join('\n', Output())}");
        _process.WaitForExit(); // lets the output readers catch up
        return exitCode;
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited) Kill();
        TestContext.Current.TestOutputHelper?.WriteLine($"--- worker {Name} exited with {_process.ExitCode}; output:\n{string.Join('\n', Output())}");
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log)
        {
            if (_log.Count < 5000) _log.Add(line);
        }
    }
}

using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;

namespace OrleansJobs.Tests.Infrastructure;

/// <summary>
/// The built silo (OrleansJobs.Silo.dll, copied next to the test assembly, or another app: <see cref="SiloProcessOptions.Assembly"/>) in a process of its own on free
/// loopback ports, so tests can crash it with SIGKILL or stop it with SIGTERM like an operator would.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private const int LogCapacity = 1000;
    private const int SigTerm = 15;

    private readonly Process process;
    private readonly string workingDirectory;
    private readonly Queue<string> log = new();

    private SiloProcess(Process process, string workingDirectory, int httpPort, int siloPort, int gatewayPort, string dataDirectory, string pathPrefix)
    {
        this.process = process;
        this.workingDirectory = workingDirectory;
        HttpPort = httpPort;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
        DataDirectory = dataDirectory;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/{pathPrefix}") };
    }

    public int HttpPort { get; }
    public int SiloPort { get; }
    public int GatewayPort { get; }
    public string DataDirectory { get; }

    /// <summary>A client for the silo's HTTP API, hub and health endpoints (relative URIs: <c>api/jobs</c>), at <see cref="SiloProcessOptions.PathPrefix"/>.</summary>
    public HttpClient Http { get; }

    public int ProcessId => process.Id;
    public bool HasExited => process.HasExited;
    public int ExitCode => process.ExitCode;

    public static SiloProcess Start(SiloProcessOptions? options = null)
    {
        options ??= new SiloProcessOptions();
        var siloAssembly = Path.Combine(AppContext.BaseDirectory, options.Assembly);
        if (!File.Exists(siloAssembly))
        {
            throw new FileNotFoundException($"{options.Assembly} is not next to the test assembly; does the test project still reference its project?", siloAssembly);
        }

        var workingDirectory = Directory.CreateTempSubdirectory("orleansjobs-silo-").FullName;
        var dataDirectory = options.DataDirectory ?? Path.Combine(workingDirectory, "data");
        var (httpPort, siloPort, gatewayPort) = (FreeTcpPort.Next(), FreeTcpPort.Next(), FreeTcpPort.Next());

        // The working folder is a temp folder so nothing relative lands in bin/; the content root stays
        // beside the silo assembly so it reads the same appsettings.json as a normal run.
        var startInfo = new ProcessStartInfo(System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] args =
        [
            siloAssembly,
            .. options.ContentRootBesideSilo ? [$"--contentRoot={AppContext.BaseDirectory}"] : Array.Empty<string>(),
            $"--urls=http://127.0.0.1:{httpPort}",
            $"--OrleansJobs:SiloPort={siloPort}",
            $"--OrleansJobs:GatewayPort={gatewayPort}",
            $"--OrleansJobs:DataDirectory={dataDirectory}",
            .. options.Args,
        ];
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }

        // One line per log entry keeps the bounded log readable.
        startInfo.Environment["Logging__Console__FormatterName"] = "simple";
        startInfo.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        startInfo.Environment["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ";
        foreach (var (name, value) in options.Environment)
        {
            startInfo.Environment[name] = value;
        }

        var process = new Process { StartInfo = startInfo };
        var silo = new SiloProcess(process, workingDirectory, httpPort, siloPort, gatewayPort, dataDirectory, options.PathPrefix);
        process.OutputDataReceived += (_, e) => silo.Append("out", e.Data);
        process.ErrorDataReceived += (_, e) => silo.Append("err", e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return silo;
    }

    /// <summary>Starts a silo with <paramref name="args"/> appended and waits until it is ready, as <see cref="StartReadyAsync(SiloProcessOptions)"/>.</summary>
    public static Task<SiloProcess> StartReadyAsync(params string[] args) => StartReadyAsync(new SiloProcessOptions { Args = args });

    /// <summary>Starts a silo and waits (up to 2 minutes) until it is ready; stops it if it never is.</summary>
    public static async Task<SiloProcess> StartReadyAsync(SiloProcessOptions options)
    {
        var silo = Start(options);
        try
        {
            await silo.WaitUntilReadyAsync(TimeSpan.FromSeconds(120));
            return silo;
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }
    }

    /// <summary>Polls <c>GET /health/ready</c> until it answers 200; fails at once if the silo exits first.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        try
        {
            await Eventually.Until(IsReadyAsync, timeout, TimeSpan.FromMilliseconds(200), "/health/ready did not answer 200");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"Silo {this} was not ready within {timeout}. Last output:\n{RecentOutput(50)}", e);
        }
    }

    /// <summary>
    /// Crashes the silo: SIGKILL (what Process.Kill sends on Unix), then waits until it is gone and its
    /// output is read. Does nothing to a silo that has already exited.
    /// </summary>
    public void Kill()
    {
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
    }

    /// <summary>
    /// Waits for a silo that should stop by itself (a refused setting) to exit, and for its output to be read to the
    /// end: the process can be gone while the last lines it wrote are still in the pipe, so <see cref="HasExited"/>
    /// alone does not make <see cref="RecentOutput"/> complete. Returns the exit code; throws a
    /// <see cref="TimeoutException"/> with the output when it is still running after <paramref name="timeout"/>.
    /// </summary>
    public async Task<int> ExitedAsync(TimeSpan timeout)
    {
        await ExitAsync(process, timeout, () => $"Silo {this} was still running after {timeout}. Last output:\n{RecentOutput(50)}");
        process.WaitForExit(); // the output readers reach the end of the pipes
        return process.ExitCode;
    }

    /// <summary>Asks the silo to shut down gracefully (SIGTERM) and returns its exit code.</summary>
    public Task<int> TerminateAsync(TimeSpan timeout) =>
        TerminateAsync(process, timeout, () => $"Silo {this} did not exit within {timeout} of SIGTERM. Last output:\n{RecentOutput(50)}");

    /// <summary>
    /// Sends SIGTERM to <paramref name="target"/> (unless it has exited) and waits for it to exit; returns its exit code,
    /// or throws a <see cref="TimeoutException"/> saying <paramref name="lateMessage"/>.
    /// </summary>
    internal static async Task<int> TerminateAsync(Process target, TimeSpan timeout, Func<string> lateMessage)
    {
        if (!target.HasExited && kill(target.Id, SigTerm) != 0 && !target.HasExited)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), $"kill({target.Id}, SIGTERM) failed");
        }

        return await ExitAsync(target, timeout, lateMessage);
    }

    /// <summary>Waits for <paramref name="target"/> to exit and returns its exit code, or throws a <see cref="TimeoutException"/> saying <paramref name="lateMessage"/>.</summary>
    private static async Task<int> ExitAsync(Process target, TimeSpan timeout, Func<string> lateMessage)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await target.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException(lateMessage());
        }

        return target.ExitCode;
    }

    /// <summary>The last lines the silo wrote, stdout and stderr interleaved, oldest first.</summary>
    public string RecentOutput(int maxLines = LogCapacity)
    {
        lock (log)
        {
            return string.Join('\n', log.Skip(Math.Max(0, log.Count - maxLines)));
        }
    }

    public override string ToString() => $"pid {process.Id} on :{HttpPort}";

    /// <summary>Kills the silo if it still runs and attaches its output to the current test's output.</summary>
    public ValueTask DisposeAsync()
    {
        Kill();
        TestContext.Current.TestOutputHelper?.WriteLine($"--- silo {this} exited with {process.ExitCode}; last output:\n{RecentOutput()}");
        Http.Dispose();
        process.Dispose();
        try
        {
            Directory.Delete(workingDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is not worth failing a test over.
        }

        return ValueTask.CompletedTask;
    }

    private async Task<bool> IsReadyAsync()
    {
        if (process.HasExited)
        {
            process.WaitForExit(); // lets the output readers catch up
            throw new InvalidOperationException($"Silo {this} exited with code {process.ExitCode} before it was ready. Last output:\n{RecentOutput(50)}");
        }

        using var requestTimeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        requestTimeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            using var response = await Http.GetAsync("health/ready", requestTimeout.Token);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false; // not listening yet
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            return false; // listening but too busy starting to answer
        }
    }

    private void Append(string stream, string? line)
    {
        if (line is null)
        {
            return; // end of stream
        }

        lock (log)
        {
            if (log.Count == LogCapacity)
            {
                log.Dequeue();
            }

            log.Enqueue($"[{stream}] {line}");
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Net.Http.Json;

namespace MigrateSyncEndpoint;

/// <summary>
/// <c>load [--clients N] [--seconds S]</c>: starts the app as a child process on a loopback port, drives
/// <c>/sync/report</c> with N clients for S seconds, then a fresh child's <c>/async/report</c> with the same clients
/// asking for the same reports, and prints both rows side by side. Each client asks for one report at a time (4 to 20
/// pages, 2 to 10 s of work) and, for a <c>202</c>, polls the job until it ends before asking for the next. It talks
/// only to 127.0.0.1 and stops by itself: no new report after S seconds, and nothing waited for after S + 120 s.
/// </summary>
public static class LoadCommand
{
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan PingEvery = TimeSpan.FromMilliseconds(250);

    public static async Task<int> RunAsync(string[] args)
    {
        int clients = 200, seconds = 30;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var parsed) ? parsed : (int?)null;
            switch (args[i])
            {
                case "--clients" when value is >= 1 and <= 1000: clients = value.Value; i++; break;
                case "--seconds" when value is >= 1 and <= 600: seconds = value.Value; i++; break;
                default:
                    Console.Error.WriteLine($"unknown or out-of-range argument '{args[i]}'. usage: load [--clients 1..1000] [--seconds 1..600]");
                    return 2;
            }
        }

        Console.WriteLine($"load: {clients} clients for {seconds} s against each endpoint; {Environment.ProcessorCount} cores; load average {LoadAverage()}");
        var rows = new List<LoadRow>();
        foreach (var endpoint in new[] { "sync", "async" })
        {
            var row = await RunPhaseAsync(endpoint, clients, TimeSpan.FromSeconds(seconds));
            if (row is null) return 1;
            rows.Add(row);
            Console.WriteLine($"{endpoint}: done; load average {LoadAverage()}");
        }

        Console.WriteLine();
        Console.WriteLine("| endpoint | reports done | reports/s | answer p50 | answer p95 | /ping p50 | /ping p95 | max pool threads | max pool queue | app CPU (% of a core) | errors |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var row in rows) Console.WriteLine(row.ToMarkdown());
        return 0;
    }

    private static async Task<LoadRow?> RunPhaseAsync(string endpoint, int clients, TimeSpan duration)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("migrate-sample-");
        var (port, siloPort, gatewayPort) = FreePorts();
        using var app = StartApp(port, siloPort, gatewayPort, dataDirectory.FullName);
        var output = new Queue<string>();
        void Keep(string? line)
        {
            if (line is null) return;
            lock (output)
            {
                output.Enqueue(line);
                if (output.Count > 40) output.Dequeue();
            }
        }
        app.OutputDataReceived += (_, e) => Keep(e.Data);
        app.ErrorDataReceived += (_, e) => Keep(e.Data);
        app.Start();
        app.BeginOutputReadLine();
        app.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
            {
                BaseAddress = new Uri($"http://127.0.0.1:{port}/"),
                Timeout = duration + Drain + TimeSpan.FromSeconds(30),
            };
            if (!await WaitUntilUpAsync(http, app))
            {
                lock (output) Console.Error.WriteLine($"the app for '{endpoint}' did not start:\n{string.Join('\n', output)}");
                return null;
            }
            (await http.PostAsync("stats/reset", null)).EnsureSuccessStatusCode();

            using var hardStop = new CancellationTokenSource(duration + Drain);
            using var loadOver = CancellationTokenSource.CreateLinkedTokenSource(hardStop.Token);
            var pinging = LoadClient.PingAsync(http, PingEvery, loadOver.Token, hardStop.Token);
            var clock = Stopwatch.StartNew();
            var results = await Task.WhenAll(Enumerable.Range(0, clients)
                .Select(client => new LoadClient(http, endpoint, client, PollEvery).RunAsync(duration, clock, hardStop.Token)));
            var elapsed = clock.Elapsed;
            await loadOver.CancelAsync();
            var pings = await pinging;
            var stats = await http.GetFromJsonAsync<RuntimeSnapshot>("stats");
            return new LoadRow($"/{endpoint}/report", results.Sum(r => r.Completed), elapsed,
                [.. results.SelectMany(r => r.Answers)], pings, stats!, results.Sum(r => r.Errors));
        }
        finally
        {
            if (!app.HasExited) app.Kill(entireProcessTree: true);
            await app.WaitForExitAsync();
            try { dataDirectory.Delete(recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static Process StartApp(int port, int siloPort, int gatewayPort, string dataDirectory)
    {
        var self = Environment.ProcessPath ?? "dotnet";
        var startInfo = new ProcessStartInfo(self)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Run by `dotnet MigrateSyncEndpoint.dll` the host is dotnet itself, which needs the assembly first.
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") startInfo.ArgumentList.Add(typeof(LoadCommand).Assembly.Location);
        foreach (var arg in new[]
                 {
                     $"--urls=http://127.0.0.1:{port}",
                     $"--OrleansJobs:DataDirectory={dataDirectory}",
                     $"--OrleansJobs:SiloPort={siloPort}",
                     $"--OrleansJobs:GatewayPort={gatewayPort}",
                     "--Logging:LogLevel:Default=Warning",
                 })
        {
            startInfo.ArgumentList.Add(arg);
        }
        return new Process { StartInfo = startInfo };
    }

    private static async Task<bool> WaitUntilUpAsync(HttpClient http, Process app)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(2) && !app.HasExited)
        {
            try
            {
                using var ready = await http.GetAsync("jobs/health/ready");
                if (ready.StatusCode == HttpStatusCode.OK) return true;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(250);
        }
        return false;
    }

    /// <summary>
    /// Three free ports for the app (HTTP, silo, gateway), held open together while they are picked: one listener closed
    /// before the next opens can hand the same port out twice, and the app then fails to bind its second use.
    /// </summary>
    private static (int Http, int Silo, int Gateway) FreePorts()
    {
        var listeners = Enumerable.Range(0, 3).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        try
        {
            foreach (var listener in listeners) listener.Start();
            var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
            return (ports[0], ports[1], ports[2]);
        }
        finally
        {
            foreach (var listener in listeners) listener.Stop();
        }
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}

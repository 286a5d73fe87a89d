using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OrleansJobs.Bench.Compare;

/// <summary>
/// The real silo (the built OrleansJobs.Silo.dll beside this driver) as a child process in PostgreSQL mode on free
/// loopback ports, measured through its HTTP API only. Times come from the job JSON (attempts[].startedAt, endedAt,
/// dueAt): the silo and this driver read the same machine clock.
/// </summary>
public sealed class OrleansJobsSystem : IJobSystem
{
    private const int LogLines = 200;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly Process _process;
    private readonly Queue<string> _log = new();
    private readonly HttpClient _http;

    private OrleansJobsSystem(string name, string database, Process process, int httpPort, string? apiKey)
    {
        Name = name;
        Database = database;
        _process = process;
        // Many connections at once: the load shapes decide the concurrency, not the client's pool.
        _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/"),
            Timeout = TimeSpan.FromSeconds(60),
        };
        if (apiKey is not null) _http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
    }

    /// <summary>Where the silo's HTTP API listens (the external workers lease from it).</summary>
    public Uri BaseAddress => _http.BaseAddress!;

    public string Name { get; }
    public string Database { get; }

    /// <summary>How long ago the silo process started.</summary>
    public TimeSpan Age => DateTime.Now - _process.StartTime;

    /// <summary>CPU time the silo process has used so far (user and system).</summary>
    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    /// <summary>The silo's resident memory now (VmRSS of /proc/&lt;pid&gt;/status), in bytes.</summary>
    public long ResidentBytes() => StatusBytes("VmRSS:");

    /// <summary>The most resident memory the silo has had since it started (VmHWM of /proc/&lt;pid&gt;/status), in bytes.</summary>
    public long PeakResidentBytes() => StatusBytes("VmHWM:");

    private long StatusBytes(string field)
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith(field, StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
    }

    /// <param name="telemetry">The silo's OrleansJobs:Telemetry:Enabled (tracing and metrics).</param>
    /// <param name="apiKey">
    /// When given, the silo is configured with this one API key (scopes submit and read, as a producer's key would have:
    /// its own jobs, and /metrics) and every request of this driver carries it; otherwise the silo has no key and, bound
    /// to loopback alone, serves anonymous requests.
    /// </param>
    /// <param name="siloAssembly">The silo to start: the built one beside this driver unless given (W1-cold's published one).</param>
    /// <param name="connectionString">The PostgreSQL database; null for the embedded SQLite store (in the environment's OrleansJobs__DataDirectory).</param>
    /// <param name="clusterId">
    /// The Orleans cluster to join (W9's two silos share one); a cluster of the silo's own unless given, so that a silo
    /// started after a killed one never waits to be told the old one is dead.
    /// </param>
    public static async Task<OrleansJobsSystem> StartAsync(string name, string database, string? connectionString, bool telemetry,
        IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken, string? apiKey = null, string? siloAssembly = null,
        string? clusterId = null)
    {
        siloAssembly ??= Path.Combine(AppContext.BaseDirectory, "OrleansJobs.Silo.dll");
        if (!File.Exists(siloAssembly)) throw new FileNotFoundException("The built silo is not beside the benchmark; build the solution first.", siloAssembly);
        var (httpPort, siloPort, gatewayPort) = LoopbackPorts.Take(3) switch { var p => (p[0], p[1], p[2]) };
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var arg in new[]
                 {
                     siloAssembly, $"--contentRoot={Path.GetDirectoryName(siloAssembly)}", $"--urls=http://127.0.0.1:{httpPort}",
                     $"--OrleansJobs:SiloPort={siloPort}", $"--OrleansJobs:GatewayPort={gatewayPort}", "--OrleansJobs:AdvertisedHost=127.0.0.1",
                     $"--OrleansJobs:ClusterId={clusterId ?? $"bench-{httpPort}"}",
                 })
            start.ArgumentList.Add(arg);
        if (connectionString is not null) start.Environment["ConnectionStrings__OrleansJobs"] = connectionString;
        else start.Environment.Remove("ConnectionStrings__OrleansJobs");
        start.Environment["OrleansJobs__Telemetry__Enabled"] = telemetry ? "true" : "false";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        start.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        foreach (var (key, value) in environment) start.Environment[key] = value;
        if (apiKey is not null)
        {
            start.Environment["OrleansJobs__Auth__Keys__bench__Sha256"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey)));
            start.Environment["OrleansJobs__Auth__Keys__bench__Scopes"] = "submit,read";
        }

        var process = new Process { StartInfo = start };
        var system = new OrleansJobsSystem(name, database, process, httpPort, apiKey);
        process.OutputDataReceived += (_, e) => system.Append(e.Data);
        process.ErrorDataReceived += (_, e) => system.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await system.WaitUntilReadyAsync(TimeSpan.FromSeconds(90), cancellationToken);
        }
        catch
        {
            await system.DisposeAsync();
            throw;
        }
        return system;
    }

    public async Task SubmitAsync(JobOrder order, CancellationToken cancellationToken)
    {
        var job = new JsonObject
        {
            ["type"] = order.External ? NodeWorkers.JobType : order.FailFirstAttempt ? "delay" : "noop",
            ["queue"] = order.Workload,
            ["tags"] = new JsonObject { ["i"] = order.Index.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };
        // The reference worker's example handler: no steps, so it returns at once.
        if (order.External) job["payload"] = new JsonObject { ["steps"] = 0 };
        if (order.RunAt is { } runAt) job["runAt"] = runAt.UtcDateTime.ToString("O");
        if (order.FailFirstAttempt)
        {
            job["payload"] = new JsonObject { ["duration"] = "00:00:00", ["steps"] = 1, ["failAttempts"] = 1 };
            job["retry"] = new JsonObject { ["initialDelay"] = "00:00:01", ["multiplier"] = 1.0, ["jitter"] = false };
        }

        using var content = new StringContent(job.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync("api/jobs", content, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Accepted)
            throw new HttpRequestException($"Submit answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
    }

    /// <summary>The silo's metrics now; none (so every figure from them is n/a) when its telemetry is off.</summary>
    public async Task<PrometheusScrape> ScrapeAsync(CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync("metrics", cancellationToken);
        return PrometheusScrape.Parse(response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync(cancellationToken) : "");
    }

    public async Task<bool> IsDrainedAsync(string workload, int submitted, CancellationToken cancellationToken)
    {
        foreach (var status in new[] { "Queued", "Running", "Scheduled" })
        {
            var page = await _http.GetFromJsonAsync<JsonElement>($"api/jobs?queue={workload}&status={status}&limit=1", cancellationToken);
            if (page.GetProperty("items").GetArrayLength() > 0) return false;
        }
        return true;
    }

    /// <summary>One page of <c>GET /api/jobs?{query}</c> as the console asks for it: how many jobs it held, and the next page's cursor.</summary>
    public async Task<(int Items, string? NextCursor)> ListPageAsync(string query, CancellationToken cancellationToken)
    {
        var page = await _http.GetFromJsonAsync<JsonElement>("api/jobs?" + query, cancellationToken);
        var next = page.TryGetProperty("nextCursor", out var cursor) && cursor.ValueKind == JsonValueKind.String ? cursor.GetString() : null;
        return (page.GetProperty("items").GetArrayLength(), next);
    }

    public async Task<IReadOnlyList<JobTimes>> ReadAsync(string workload, CancellationToken cancellationToken)
    {
        var jobs = new List<JobTimes>();
        string? cursor = null;
        do
        {
            var page = await _http.GetFromJsonAsync<JobPage>(
                $"api/jobs?queue={workload}&limit=500" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)), Json, cancellationToken);
            foreach (var job in page!.Items)
            {
                jobs.Add(new JobTimes(int.Parse(job.Tags["i"], System.Globalization.CultureInfo.InvariantCulture),
                    job.Attempts.OrderBy(a => a.Number).Select(a => new AttemptTimes(a.StartedAt, a.EndedAt, a.DueAt)).ToList()));
            }
            cursor = page.NextCursor;
        } while (cursor is not null);
        return jobs;
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
        _http.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"The silo exited with code {_process.ExitCode} before it was ready:\n{RecentOutput()}");
            try
            {
                using var response = await _http.GetAsync("health/ready", cancellationToken);
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(50, cancellationToken); // finely: W1-cold reports the time to readiness
        }
        throw new TimeoutException($"The silo was not ready within {timeout}:\n{RecentOutput()}");
    }

    public string RecentOutput()
    {
        lock (_log) return string.Join('\n', _log);
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

    private sealed record JobPage(IReadOnlyList<Job> Items, string? NextCursor);

    private sealed record Job(IReadOnlyDictionary<string, string> Tags, IReadOnlyList<Attempt> Attempts);

    private sealed record Attempt(int Number, DateTimeOffset StartedAt, DateTimeOffset? EndedAt, DateTimeOffset? DueAt);
}

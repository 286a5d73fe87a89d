// Progress fan-out benchmark: N SignalR connections, each watching one of M running jobs whose handlers report
// progress ten times a second. Prints events delivered per second and the delivery latency (handler report →
// client receive) for each N. Starts its own silo (embedded mode, temporary data folder) on loopback.
//
//   dotnet run -c Release --project bench/FanOut -- [--connections 100,1000] [--jobs 50] [--seconds 20] [--poll 00:00:00.010]
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using OrleansJobs.Bench;
using Microsoft.AspNetCore.SignalR.Client;
using OrleansJobs.Silo;

var connectionCounts = Option("--connections", "100,1000").Split(',').Select(int.Parse).ToArray();
var jobCount = int.Parse(Option("--jobs", "50"), CultureInfo.InvariantCulture);
var seconds = int.Parse(Option("--seconds", "20"), CultureInfo.InvariantCulture);
var pollInterval = Option("--poll", "00:00:00.010");

var data = Directory.CreateTempSubdirectory("orleansjobs-fanout-");
var (port, siloPort, gatewayPort) = LoopbackPorts.Take(3) switch { var p => (p[0], p[1], p[2]) };
var app = await SiloApp.BuildAsync([
    $"--urls=http://127.0.0.1:{port}", $"--OrleansJobs:DataDirectory={data.FullName}",
    $"--OrleansJobs:SiloPort={siloPort}", $"--OrleansJobs:GatewayPort={gatewayPort}", "--Logging:LogLevel:Default=Warning",
    $"--OrleansJobs:EventPollInterval={pollInterval}",
]);
await app.StartAsync();
var baseAddress = new Uri($"http://127.0.0.1:{port}/");
using var http = new HttpClient { BaseAddress = baseAddress };

Console.WriteLine($"fan-out: {jobCount} jobs reporting progress 10/s, each watched by connections/{jobCount} hub connections, {seconds} s per run, event poll interval {pollInterval}");
Console.WriteLine($"| connections | events delivered/s | p50 latency | p99 latency | max latency | connect+subscribe |");
Console.WriteLine($"| --- | --- | --- | --- | --- | --- |");
foreach (var connections in connectionCounts)
{
    // Long enough to outlast connecting and the measured window.
    var duration = TimeSpan.FromSeconds(seconds + 30 + connections / 50);
    var steps = (int)(duration.TotalSeconds * double.Parse(Option("--rate", "10"), CultureInfo.InvariantCulture));
    var jobs = new List<string>();
    for (var i = 0; i < jobCount; i++)
    {
        using var response = await http.PostAsJsonAsync("api/jobs", new { type = "delay", payload = new { duration = duration.ToString("c"), steps } });
        jobs.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!);
    }

    var latencies = new ConcurrentBag<double>();
    var measuring = false;
    var clock = Stopwatch.StartNew();
    var hubs = new List<HubConnection>();
    await Parallel.ForEachAsync(Enumerable.Range(0, connections), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
    {
        var hub = new HubConnectionBuilder().WithUrl(new Uri(baseAddress, "hubs/jobs")).Build();
        hub.On<JsonElement>("JobEvent", e =>
        {
            if (!Volatile.Read(ref measuring) || e.GetProperty("kind").GetString() != "progress") return;
            latencies.Add((DateTimeOffset.UtcNow - e.GetProperty("at").GetDateTimeOffset()).TotalMilliseconds);
        });
        await hub.StartAsync(ct);
        await hub.InvokeAsync("Subscribe", jobs[i % jobs.Count], ct);
        lock (hubs) hubs.Add(hub);
    });
    var connectTime = clock.Elapsed;

    await Task.Delay(TimeSpan.FromSeconds(2)); // settle
    Volatile.Write(ref measuring, true);
    await Task.Delay(TimeSpan.FromSeconds(seconds));
    Volatile.Write(ref measuring, false);

    var sorted = latencies.Order().ToArray();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {connections} | {sorted.Length / (double)seconds:F0} | {Percentile(sorted, 0.50):F1} ms | {Percentile(sorted, 0.99):F1} ms | {sorted.LastOrDefault():F1} ms | {connectTime.TotalSeconds:F1} s |"));

    foreach (var hub in hubs) await hub.DisposeAsync();
    foreach (var job in jobs) await http.PostAsync($"api/jobs/{job}/cancel", null);
}

await app.StopAsync();
await app.DisposeAsync();
try { data.Delete(recursive: true); } catch (IOException) { }

static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

string Option(string name, string fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
}

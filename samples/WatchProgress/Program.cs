// Submits a `delay` job to an OrleansJobs service and draws its progress live from WatchAsync.
// Usage: dotnet run --project samples/WatchProgress [-- http://localhost:5000/ [duration] [steps]]
using OrleansJobs.Client;

var baseAddress = new Uri(args.ElementAtOrDefault(0) ?? "http://localhost:5000/");
var duration = args.ElementAtOrDefault(1) ?? "00:00:05";
var steps = int.Parse(args.ElementAtOrDefault(2) ?? "20", System.Globalization.CultureInfo.InvariantCulture);

using var http = new HttpClient { BaseAddress = baseAddress };
await using var jobs = new OrleansJobsClient(http); // disposing it closes its hub connection
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel(); // stops watching; the job goes on
};

var job = await jobs.SubmitAsync("delay", new { duration, steps }, cancellationToken: stop.Token);
Console.WriteLine($"Submitted {job.Id}; watching it over {baseAddress}hubs/jobs (Ctrl+C stops watching)");

// The first event is the job's current state, then each change; the watch ends after the final status.
await foreach (var jobEvent in jobs.WatchAsync(job.Id, stop.Token))
    Draw(jobEvent);
Console.WriteLine();

var done = await jobs.GetAsync(job.Id, stop.Token);
Console.WriteLine(done.Status == JobStatus.Succeeded
    ? $"{done.Id} succeeded in {done.CompletedAt - done.StartedAt:mm\\:ss\\.f}: {done.Result}"
    : $"{done.Id} ended {done.Status}: {done.Error?.Message}");

static void Draw(JobEvent jobEvent)
{
    const int width = 40;
    var percent = jobEvent.Percent ?? 0;
    var filled = (int)Math.Round(width * percent / 100);
    var line = $"[{new string('#', filled)}{new string('.', width - filled)}] {percent,5:0.0}%  {jobEvent.Status,-9} {jobEvent.Message}";
    Console.Write("\r" + line.PadRight(Console.IsOutputRedirected ? 0 : Math.Max(0, Console.WindowWidth - 1)));
}

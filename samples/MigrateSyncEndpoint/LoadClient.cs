using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace MigrateSyncEndpoint;

/// <summary>
/// One client of the <c>load</c> command: asks for one report at a time, the same sequence of sizes whichever endpoint
/// it drives (its random numbers are seeded by its index), and follows a <c>202</c>'s <c>Location</c> until the job ends.
/// </summary>
public sealed class LoadClient(HttpClient http, string endpoint, int index, TimeSpan pollEvery)
{
    private static readonly HashSet<string> Ended = ["Succeeded", "Failed", "Cancelled"];

    /// <summary>What the client saw: reports completed, the time to each answer (200 or 202), failures.</summary>
    public sealed record Outcome(int Completed, List<TimeSpan> Answers, int Errors);

    public async Task<Outcome> RunAsync(TimeSpan duration, Stopwatch clock, CancellationToken hardStop)
    {
        var sizes = new Random(index);
        var answers = new List<TimeSpan>();
        int completed = 0, errors = 0;
        while (clock.Elapsed < duration && !hardStop.IsCancellationRequested)
        {
            var pages = sizes.Next(4, 21);
            var asked = Stopwatch.GetTimestamp();
            try
            {
                using var response = await http.PostAsync($"{endpoint}/report?pages={pages}", null, hardStop);
                answers.Add(Stopwatch.GetElapsedTime(asked));
                if (response.StatusCode == HttpStatusCode.OK) completed++;
                else if (response.StatusCode == HttpStatusCode.Accepted && response.Headers.Location is { } job
                         && await FollowAsync(job, hardStop)) completed++;
                else errors++;
            }
            catch (OperationCanceledException) when (hardStop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                errors++;
            }
        }
        return new Outcome(completed, answers, errors);
    }

    /// <summary>Polls the job's status URL until it ends; true when it succeeded.</summary>
    private async Task<bool> FollowAsync(Uri job, CancellationToken hardStop)
    {
        while (true)
        {
            await Task.Delay(pollEvery, hardStop);
            using var response = await http.GetAsync(job, hardStop);
            if (!response.IsSuccessStatusCode) return false;
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(hardStop));
            var status = body.RootElement.GetProperty("status").GetString() ?? "";
            if (Ended.Contains(status)) return status == "Succeeded";
        }
    }

    /// <summary>
    /// Pings <c>/ping</c> every <paramref name="every"/> until <paramref name="over"/>, without waiting for the one before
    /// (so a stalled app is sampled as often as a quick one), then waits for those still out until
    /// <paramref name="hardStop"/>; returns each answer's time. At most one ping a period, so bounded by the phase.
    /// </summary>
    public static async Task<List<TimeSpan>> PingAsync(HttpClient http, TimeSpan every, CancellationToken over, CancellationToken hardStop)
    {
        async Task<TimeSpan?> PingOnceAsync()
        {
            var asked = Stopwatch.GetTimestamp();
            try
            {
                using var response = await http.GetAsync("ping", hardStop);
                return Stopwatch.GetElapsedTime(asked);
            }
            catch (Exception e) when (e is OperationCanceledException or HttpRequestException)
            {
                return null;
            }
        }

        var pings = new List<Task<TimeSpan?>>();
        while (!over.IsCancellationRequested)
        {
            pings.Add(PingOnceAsync());
            try
            {
                await Task.Delay(every, over);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        return [.. (await Task.WhenAll(pings)).OfType<TimeSpan>()];
    }
}

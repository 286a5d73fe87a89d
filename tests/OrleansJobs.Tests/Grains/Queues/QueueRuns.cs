using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace OrleansJobs.Tests.Grains.Queues;

/// <summary>What the queue tests read back: each attempt's time span, from the jobs' own records.</summary>
internal static class QueueRuns
{
    public static async Task ConfigureAsync(HttpClient http, string queue, object settings)
    {
        using var response = await http.PutAsJsonAsync($"/api/queues/{queue}", settings, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>
    /// Both silos must see a queue's new limit before its first job. No answer shows which copy of the settings a silo
    /// holds, but none older than the refresh interval (2 s) lets a job start: a copy read before the change is read
    /// again first. Twice the interval, so that a refresh already on its way when the change landed, which a busy
    /// machine can slow, has been read again too.
    /// </summary>
    public static Task OutlastEverySilosCopyAsync() => Task.Delay(TimeSpan.FromSeconds(4), TestContext.Current.CancellationToken);

    public static async Task<JsonElement> GetAsync(HttpClient http, string queue) =>
        await http.GetFromJsonAsync<JsonElement>($"/api/queues/{queue}", TestContext.Current.CancellationToken);

    /// <summary>Each attempt as (job, start, end); an attempt lost with a killed silo ended when the silo died.</summary>
    public static List<(string Job, DateTimeOffset Start, DateTimeOffset End)> Attempts(IEnumerable<JsonElement> jobs, DateTimeOffset? killedAt = null) =>
        [.. jobs.SelectMany(job => job.GetProperty("attempts").EnumerateArray().Select(a => (
            Job: job.GetProperty("id").GetString()!,
            Start: a.GetProperty("startedAt").GetDateTimeOffset(),
            End: a.GetProperty("outcome").GetString() == "Lost" && killedAt is { } killed ? killed : a.GetProperty("endedAt").GetDateTimeOffset())))];

    /// <summary>The most attempts that ran at one moment.</summary>
    public static int MostAtOnce(IEnumerable<(string Job, DateTimeOffset Start, DateTimeOffset End)> attempts)
    {
        // Ends sort before starts at the same instant: a slot handed on is not two at once.
        var edges = attempts.SelectMany(a => new[] { (At: a.Start, Delta: 1), (At: a.End, Delta: -1) }).OrderBy(e => e.At).ThenBy(e => e.Delta);
        int current = 0, most = 0;
        foreach (var edge in edges) most = Math.Max(most, current += edge.Delta);
        return most;
    }
}

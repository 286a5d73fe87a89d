using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace OrleansJobs.Tests.Infrastructure;

/// <summary>The jobs API as the process tests use it: plain HTTP against a silo process.</summary>
public static class ProcessApi
{
    public static async Task<string> SubmitAsync(HttpClient http, object body)
    {
        using var response = await http.PostAsJsonAsync("/api/jobs", body, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("id").GetString()!;
    }

    /// <summary>
    /// Reads jobs through the listing only (a GET of one job would activate its grain and recover it by itself), with
    /// their payloads and results, which a page leaves out unless asked.
    /// </summary>
    public static async Task<Dictionary<string, JsonElement>> ListAsync(HttpClient http, string? status = null)
    {
        var jobs = new Dictionary<string, JsonElement>();
        string? cursor = null;
        do
        {
            var url = $"/api/jobs?limit=500&include=payload,result{(status is null ? "" : "&status=" + status)}{(cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))}";
            var page = await http.GetFromJsonAsync<JsonElement>(url, TestContext.Current.CancellationToken);
            foreach (var item in page.GetProperty("items").EnumerateArray()) jobs[item.GetProperty("id").GetString()!] = item;
            cursor = page.GetProperty("nextCursor").GetString();
        } while (cursor is not null);
        return jobs;
    }

    /// <summary>Polls the listing until every job in <paramref name="ids"/> is in a state <paramref name="done"/> accepts; returns the last listing.</summary>
    public static async Task<Dictionary<string, JsonElement>> UntilEveryAsync(HttpClient http, IEnumerable<string> ids, Func<string?, bool> done, TimeSpan timeout, string message)
    {
        Dictionary<string, JsonElement> jobs = [];
        try
        {
            await Eventually.Until(async () =>
            {
                jobs = await ListAsync(http);
                return ids.All(id => jobs.TryGetValue(id, out var job) && done(job.GetProperty("status").GetString()));
            }, timeout, TimeSpan.FromMilliseconds(250), message);
        }
        catch (TimeoutException timedOut)
        {
            // Say which jobs are stuck where: the first few, with their attempts.
            var stuck = ids.Where(id => !jobs.TryGetValue(id, out var job) || !done(job.GetProperty("status").GetString())).ToList();
            var detail = string.Join("\n", stuck.Take(5).Select(id => jobs.TryGetValue(id, out var job)
                ? $"{id}: {job.GetProperty("status").GetString()} attempts [{string.Join(", ", job.GetProperty("attempts").EnumerateArray().Select(a => $"{a.GetProperty("outcome")}@{a.GetProperty("silo")}"))}] next {job.GetProperty("nextAttemptAt")}"
                : $"{id}: not listed"));
            throw new TimeoutException($"{timedOut.Message}; {stuck.Count} not done, e.g.\n{detail}", timedOut);
        }
        return jobs;
    }

    public static string[] Outcomes(JsonElement job) =>
        job.GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("outcome").GetString() ?? "open").ToArray();

    /// <summary>The jobs of a schedule whose jobs go to a queue of their own.</summary>
    public static async Task<List<JsonElement>> ScheduleJobsAsync(HttpClient http, string queue) =>
        [.. (await ListAsync(http)).Values.Where(j => j.GetProperty("queue").GetString() == queue)];

    /// <summary>The occurrence a schedule's job was made for (its <c>occurrence</c> tag).</summary>
    public static DateTimeOffset Occurrence(JsonElement job) =>
        DateTimeOffset.Parse(job.GetProperty("tags").GetProperty("occurrence").GetString()!, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A schedule's jobs by occurrence, catch-up jobs marked, for the test output.</summary>
    public static string DescribeScheduleJobs(IEnumerable<JsonElement> jobs) =>
        string.Join(", ", jobs.OrderBy(Occurrence).Select(j =>
            $"{Occurrence(j):HH:mm:ss}{(j.GetProperty("tags").TryGetProperty("missedOccurrences", out var m) ? $" (catch-up of {m.GetString()})" : "")}"));
}

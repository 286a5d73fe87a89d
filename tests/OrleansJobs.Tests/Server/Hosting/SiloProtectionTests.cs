using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansJobs.Client;
using static OrleansJobs.Tests.Infrastructure.ProcessApi;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Server.Hosting;

/// <summary>The silo's handler caps (OrleansJobs:Execution) and submit backpressure (OrleansJobs:Backpressure) in the real silo process.</summary>
[Trait("Kind", "Process")]
public sealed class SiloProtectionTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>The most attempts that ran at the same moment, from their recorded start and end times.</summary>
    private static int MostAtOnce(IEnumerable<JsonElement> jobs)
    {
        var edges = jobs.SelectMany(j => j.GetProperty("attempts").EnumerateArray()).SelectMany(a => new[]
        {
            (At: a.GetProperty("startedAt").GetDateTimeOffset(), Delta: 1),
            (At: a.GetProperty("endedAt").GetDateTimeOffset(), Delta: -1),
        });
        var (running, most) = (0, 0);
        foreach (var edge in edges.OrderBy(e => e.At).ThenBy(e => e.Delta)) // an end before a start at the same instant
            most = Math.Max(most, running += edge.Delta);
        return most;
    }

    private static object Delay(string duration) => new { type = "delay", payload = new { duration, steps = 1 } };

    [Fact]
    public async Task Handler_cap_keeps_the_rest_queued_and_runs_every_job()
    {
        await using var silo = await SiloProcess.StartReadyAsync("--OrleansJobs:Execution:MaxConcurrentHandlers=2");
        var ids = new List<string>();
        for (var i = 0; i < 8; i++) ids.Add(await SubmitAsync(silo.Http, Delay("00:00:02")));

        // Every look while they run: never more than two Running, and those waiting for a slot are Queued.
        var sawQueuedBehindFullSlots = false;
        await Eventually.Until(async () =>
        {
            var listed = await ListAsync(silo.Http);
            var statuses = ids.Select(id => listed[id].GetProperty("status").GetString()).ToList();
            var running = statuses.Count(s => s == "Running");
            Assert.InRange(running, 0, 2);
            sawQueuedBehindFullSlots |= running == 2 && statuses.Contains("Queued");
            return statuses.All(s => s == "Succeeded");
        }, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200), "the capped jobs did not all finish");
        Assert.True(sawQueuedBehindFullSlots, "no job was seen Queued while both slots were taken");

        var jobs = await ListAsync(silo.Http);
        Assert.Equal(2, MostAtOnce(ids.Select(id => jobs[id])));
    }

    [Fact]
    public async Task Cpu_bound_types_have_their_own_smaller_cap()
    {
        await using var silo = await SiloProcess.StartReadyAsync("--OrleansJobs:Execution:CpuBoundTypes:0=delay", "--OrleansJobs:Execution:MaxConcurrentCpuBound=1");
        var delays = new List<string>();
        for (var i = 0; i < 4; i++) delays.Add(await SubmitAsync(silo.Http, Delay("00:00:01")));
        var noop = await SubmitAsync(silo.Http, new { type = "noop" });

        var jobs = await UntilEveryAsync(silo.Http, [.. delays, noop], s => s == "Succeeded", TimeSpan.FromSeconds(60), "the jobs did not all finish");
        Assert.Equal(1, MostAtOnce(delays.Select(id => jobs[id])));
        // Other types are not held up by the CPU-bound ones: the noop job, submitted last, did not wait for them all.
        var noopStarted = jobs[noop].GetProperty("attempts")[0].GetProperty("startedAt").GetDateTimeOffset();
        var lastDelayEnded = delays.Max(id => jobs[id].GetProperty("attempts")[0].GetProperty("endedAt").GetDateTimeOffset());
        Assert.True(noopStarted < lastDelayEnded, $"the noop job started at {noopStarted:O}, after the last CPU-bound job ended at {lastDelayEnded:O}");
    }

    [Fact]
    public async Task Backlog_over_the_limit_answers_429_with_retry_after_and_loses_no_accepted_job()
    {
        await using var silo = await SiloProcess.StartReadyAsync(
            "--OrleansJobs:Execution:MaxConcurrentHandlers=1",
            "--OrleansJobs:Backpressure:MaxWaitingJobs=3",
            "--OrleansJobs:Backpressure:RetryAfter=00:00:02");
        await using var client = new OrleansJobsClient(silo.Http);
        var accepted = new List<string>();
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
        {
            using var response = await silo.Http.PostAsJsonAsync("/api/jobs", Delay("00:00:04"), Token);
            answers.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                accepted.Add((await response.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("id").GetString()!);
                continue;
            }
            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
            if (answers.Count(a => a == HttpStatusCode.TooManyRequests) == 1)
            {
                // The client library surfaces the same answer as a typed exception with the wait.
                var throttled = await Assert.ThrowsAsync<JobThrottledException>(() => client.SubmitAsync("noop", cancellationToken: Token));
                Assert.Equal(TimeSpan.FromSeconds(2), throttled.RetryAfter);
            }
        }
        // One runs and three wait before anything is refused; the jobs run 4 s, so the backlog stays full while the rest are refused.
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Accepted, 4), answers.Take(4));
        Assert.Contains(HttpStatusCode.TooManyRequests, answers);

        // Every accepted job runs; nothing refused was stored.
        var jobs = await UntilEveryAsync(silo.Http, accepted, s => s == "Succeeded", TimeSpan.FromSeconds(90), "an accepted job did not finish");
        Assert.Equal(accepted.Order(), jobs.Keys.Order());

        // Once the backlog has drained, submissions are accepted again.
        Assert.StartsWith("job_", await SubmitAsync(silo.Http, new { type = "noop" }));
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansJobs.Client;
using OrleansJobs.Tests.Infrastructure;
using static OrleansJobs.Tests.Processes.ProcessApi;

namespace OrleansJobs.Tests.Processes;

/// <summary>The silo's handler caps (OrleansJobs:Execution) and submit backpressure (OrleansJobs:Backpressure) in the real silo process.</summary>
public sealed class SiloProtectionTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static async Task<SiloProcess> StartAsync(params string[] args)
    {
        var silo = SiloProcess.Start(new SiloProcessOptions { Args = args });
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
        await using var silo = await StartAsync("--OrleansJobs:Execution:MaxConcurrentHandlers=2");
        var ids = new List<string>();
        for (var i = 0; i < 8; i++) ids.Add(await SubmitAsync(silo.Http, Delay("00:00:01")));

        // Waiting for a slot is Queued, not Running.
        var listed = await ListAsync(silo.Http);
        Assert.InRange(ids.Count(id => listed[id].GetProperty("status").GetString() == "Running"), 0, 2);
        Assert.True(ids.Count(id => listed[id].GetProperty("status").GetString() == "Queued") >= 5);

        var jobs = await UntilEveryAsync(silo.Http, ids, s => s == "Succeeded", TimeSpan.FromSeconds(30), "the capped jobs did not all finish");
        Assert.Equal(2, MostAtOnce(ids.Select(id => jobs[id])));
    }

    [Fact]
    public async Task Cpu_bound_types_have_their_own_smaller_cap()
    {
        await using var silo = await StartAsync("--OrleansJobs:Execution:CpuBoundTypes:0=delay", "--OrleansJobs:Execution:MaxConcurrentCpuBound=1");
        var delays = new List<string>();
        for (var i = 0; i < 4; i++) delays.Add(await SubmitAsync(silo.Http, Delay("00:00:00.700")));
        // Other types are not held up by the CPU-bound ones.
        var noop = await SubmitAsync(silo.Http, new { type = "noop" });
        await UntilEveryAsync(silo.Http, [noop], s => s == "Succeeded", TimeSpan.FromSeconds(2), "a noop job waited behind the CPU-bound ones");

        var jobs = await UntilEveryAsync(silo.Http, delays, s => s == "Succeeded", TimeSpan.FromSeconds(30), "the CPU-bound jobs did not all finish");
        Assert.Equal(1, MostAtOnce(delays.Select(id => jobs[id])));
    }

    [Fact]
    public async Task Backlog_over_the_limit_answers_429_with_retry_after_and_loses_no_accepted_job()
    {
        await using var silo = await StartAsync(
            "--OrleansJobs:Execution:MaxConcurrentHandlers=1",
            "--OrleansJobs:Backpressure:MaxWaitingJobs=3",
            "--OrleansJobs:Backpressure:RetryAfter=00:00:02");
        var accepted = new List<string>();
        var refused = 0;
        for (var i = 0; i < 12; i++)
        {
            using var response = await silo.Http.PostAsJsonAsync("/api/jobs", Delay("00:00:00.500"), Token);
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                accepted.Add((await response.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("id").GetString()!);
                continue;
            }
            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
            refused++;
        }
        // One runs, three wait: the fifth and later submissions within the first half second are refused.
        Assert.InRange(accepted.Count, 4, 6);
        Assert.Equal(12, accepted.Count + refused);

        // The client library surfaces the same answer as a typed exception with the wait.
        await using var client = new OrleansJobsClient(silo.Http);
        var throttled = await Assert.ThrowsAsync<JobThrottledException>(() => client.SubmitAsync("noop", cancellationToken: Token));
        Assert.Equal(TimeSpan.FromSeconds(2), throttled.RetryAfter);

        // Every accepted job runs; nothing refused was stored.
        var jobs = await UntilEveryAsync(silo.Http, accepted, s => s == "Succeeded", TimeSpan.FromSeconds(30), "an accepted job did not finish");
        Assert.Equal(accepted.Order(), jobs.Keys.Order());

        // Once the backlog has drained, submissions are accepted again.
        Assert.StartsWith("job_", await SubmitAsync(silo.Http, new { type = "noop" }));
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static OrleansJobs.Tests.Infrastructure.ProcessApi;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Silo;

/// <summary>The built silo as a real process on embedded SQLite: killed with SIGKILL, stopped with SIGTERM, restarted on its data.</summary>
[Trait("Kind", "Process")]
public sealed class SiloProcessTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("orleansjobs-process-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }

    private SiloProcess StartSilo(params string[] args) =>
        SiloProcess.Start(new SiloProcessOptions { DataDirectory = _data, Args = ["--OrleansJobs:SweepInterval=00:00:01", .. args] });

    [Fact]
    public async Task Killed_silo_recovers_every_running_job_after_restart()
    {
        var ids = new List<string>();
        HashSet<string> runningAtKill;
        DateTimeOffset killedAt;
        await using (var silo = StartSilo())
        {
            await silo.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
            for (var i = 0; i < 200; i++)
                ids.Add(await SubmitAsync(silo.Http, new { type = "delay", payload = new { duration = "00:00:04", steps = 4 }, maxAttempts = 5, retry = new { initialDelay = "00:00:01", jitter = false } }));
            await Eventually.Until(async () => (await ListAsync(silo.Http, "Running")).Count >= 100,
                TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100), "jobs did not start running");
            runningAtKill = (await ListAsync(silo.Http, "Running")).Keys.ToHashSet();
            silo.Kill();
            killedAt = DateTimeOffset.UtcNow;
        }

        await using var restarted = StartSilo();
        await restarted.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
        var jobs = await UntilEveryAsync(restarted.Http, ids, status => status is "Succeeded" or "Failed" or "Cancelled",
            TimeSpan.FromSeconds(90), "not every job finished after the restart");

        Assert.All(ids, id =>
        {
            var job = jobs[id];
            Assert.Equal("Succeeded", job.GetProperty("status").GetString());
            var outcomes = Outcomes(job);
            Assert.Equal(1, outcomes.Count(o => o == "Succeeded"));
            Assert.Equal("Succeeded", outcomes[^1]);
            Assert.DoesNotContain("open", outcomes);
            if (!runningAtKill.Contains(id)) return;
            // Listed running, then finished before the kill took it (a loaded machine can take a second between the
            // two): one attempt, ended before the kill. Otherwise the kill lost the attempt and a second one ran.
            var first = job.GetProperty("attempts")[0];
            if (outcomes is ["Succeeded"]) Assert.True(first.GetProperty("endedAt").GetDateTimeOffset() <= killedAt, $"{id} ran once, yet ended after the kill");
            else Assert.Equal(["Lost", "Succeeded"], outcomes);
        });
        Assert.True(runningAtKill.Count >= 100);
    }

    [Fact]
    public async Task Sigterm_refuses_new_jobs_lets_short_ones_finish_and_resumes_the_rest_after_restart()
    {
        var quick = new List<string>();
        var slow = new List<string>();
        var acceptedBeforeDrain = new List<string>();
        await using (var silo = StartSilo("--OrleansJobs:ShutdownGracePeriod=00:00:03"))
        {
            await silo.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
            for (var i = 0; i < 10; i++) quick.Add(await SubmitAsync(silo.Http, new { type = "delay", payload = new { duration = "00:00:01" } }));
            for (var i = 0; i < 5; i++) slow.Add(await SubmitAsync(silo.Http, new { type = "delay", payload = new { duration = "00:00:08", steps = 8 }, maxAttempts = 1 }));
            await Eventually.Until(async () => (await ListAsync(silo.Http, "Running")).Keys.Intersect(slow).Count() == slow.Count,
                TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100), "the slow jobs did not start");

            var exit = silo.TerminateAsync(TimeSpan.FromSeconds(60));
            await Eventually.Until(async () =>
            {
                using var response = await silo.Http.PostAsJsonAsync("/api/jobs", new { type = "noop" }, TestContext.Current.CancellationToken);
                // A submit that reaches the silo before SIGTERM is handled is accepted like any other: it must not be lost.
                if (response.StatusCode == HttpStatusCode.Accepted)
                    acceptedBeforeDrain.Add((await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("id").GetString()!);
                if (response.StatusCode != HttpStatusCode.ServiceUnavailable) return false;
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                Assert.True(response.Headers.RetryAfter is not null, "503 without Retry-After");
                return true;
            }, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(50), "submissions were not refused with 503 while draining");
            Assert.Equal(0, await exit);
        }

        await using var restarted = StartSilo();
        await restarted.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
        var afterStop = await ListAsync(restarted.Http);
        Assert.All(quick, id => Assert.Equal("Succeeded", afterStop[id].GetProperty("status").GetString()));

        var jobs = await UntilEveryAsync(restarted.Http, slow.Concat(acceptedBeforeDrain), status => status == "Succeeded",
            TimeSpan.FromSeconds(60), "the interrupted jobs (or a job accepted just before the drain) did not finish after the restart");
        // maxAttempts 1, yet they succeed: the interrupted attempt does not count.
        Assert.All(slow, id => Assert.Equal(["Interrupted", "Succeeded"], Outcomes(jobs[id])));
        // Nothing refused with 503 was stored.
        Assert.Equal(15 + acceptedBeforeDrain.Count, jobs.Count);
    }

    [Fact]
    public async Task Delayed_jobs_and_retries_survive_a_restart_and_start_on_time()
    {
        var delayed = new List<string>();
        string retrying;
        await using (var silo = StartSilo())
        {
            await silo.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
            // Due after the restart below has (usually) finished: they must then start on time, from the new silo's timers.
            var runAt = DateTimeOffset.UtcNow.AddSeconds(12);
            for (var i = 0; i < 20; i++) delayed.Add(await SubmitAsync(silo.Http, new { type = "noop", runAt }));
            retrying = await SubmitAsync(silo.Http, new { type = "delay", payload = new { duration = "00:00:00", failAttempts = 1 }, retry = new { initialDelay = "00:00:12", jitter = false } });
            await Eventually.Until(async () => (await ListAsync(silo.Http, "Scheduled")).ContainsKey(retrying),
                TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100), "the first attempt did not fail into its backoff");
            silo.Kill();
        }

        await using var restarted = StartSilo();
        await restarted.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
        // On a slow machine the restart can outlast the delay: a job that fell due while no silo ran must start soon after
        // the silo is back, not after its due time (which nothing could meet).
        var ready = DateTimeOffset.UtcNow;
        var jobs = await UntilEveryAsync(restarted.Http, delayed.Append(retrying), status => status == "Succeeded",
            TimeSpan.FromSeconds(40), "delayed jobs or the retry did not run after the restart");

        foreach (var id in delayed.Append(retrying))
        {
            var attempt = jobs[id].GetProperty("attempts").EnumerateArray().Last();
            var (started, due) = (attempt.GetProperty("startedAt").GetDateTimeOffset(), attempt.GetProperty("dueAt").GetDateTimeOffset());
            var expected = due > ready ? due : ready;
            TestContext.Current.TestOutputHelper?.WriteLine($"{id}: started {(started - due).TotalMilliseconds:F0} ms after due, the silo was ready {(ready - due).TotalMilliseconds:F0} ms after due");
            Assert.True(started >= due, $"{id} started {due - started} before it was due");
            // A second of slack for a freshly started process on a busy machine; left to the next sweep (every 5 s) or to
            // its reminder (every minute) a job would be later still.
            Assert.True(started - expected <= TimeSpan.FromSeconds(2), $"{id} started {started - expected} late");
        }
        Assert.Equal(["Failed", "Succeeded"], Outcomes(jobs[retrying]));
    }
}

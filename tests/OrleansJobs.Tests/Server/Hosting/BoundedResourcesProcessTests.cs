using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansJobs.Tests.Infrastructure;
using static OrleansJobs.Tests.Infrastructure.ProcessApi;

namespace OrleansJobs.Tests.Server.Hosting;

/// <summary>
/// What a caller cannot grow on a silo process, over real HTTP: submit permits held by waits, batches past the
/// backlog limit, attempts without a timeout of their own, rates too small to represent, settings bodies past their limit.
/// </summary>
[Trait("Kind", "Process")]
public sealed class BoundedResourcesProcessTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static object Delay(string duration) => new { type = "delay", payload = new { duration, steps = 1 } };

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Token);
    }

    [Fact]
    public async Task A_submit_that_waits_gives_its_permit_back_before_waiting()
    {
        await using var silo = await SiloProcess.StartReadyAsync("--OrleansJobs:Backpressure:MaxConcurrentSubmits=1");
        var key = "waits-" + Guid.NewGuid();
        using var waiting = new HttpRequestMessage(HttpMethod.Post, "/api/jobs?wait=PT1M") { Content = JsonContent.Create(Delay("00:00:20")) };
        waiting.Headers.Add("Idempotency-Key", key);
        var waitingAnswer = silo.Http.SendAsync(waiting, Token);

        // The first request is past its submit (its job runs) and waits: the only permit must be free again.
        await Eventually.Until(async () => (await ListAsync(silo.Http, "Running")).Count == 1, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200),
            "the waiting request's job never ran");
        Assert.False(waitingAnswer.IsCompleted);
        Assert.StartsWith("job_", await SubmitAsync(silo.Http, new { type = "noop" }));
        using var trigger = await silo.Http.PutAsJsonAsync("/api/schedules/bounded", new { cron = "0 0 1 1 *", job = new { type = "noop" } }, Token);
        Assert.Equal(HttpStatusCode.Created, trigger.StatusCode);
        using var triggered = await silo.Http.PostAsync("/api/schedules/bounded/trigger", null, Token);
        Assert.Equal(HttpStatusCode.Accepted, triggered.StatusCode);

        using var answer = await waitingAnswer;
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("Succeeded", (await answer.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_batch_is_refused_with_429_while_the_backlog_is_full_like_a_single_submit()
    {
        await using var silo = await SiloProcess.StartReadyAsync(
            "--OrleansJobs:Execution:MaxConcurrentHandlers=1",
            "--OrleansJobs:Backpressure:MaxWaitingJobs=2",
            "--OrleansJobs:Backpressure:RetryAfter=00:00:03");
        var batch = new { jobs = new[] { new { type = "noop" }, new { type = "noop" } } };

        // One job runs and two wait for its slot: the backlog is full.
        var ids = new List<string>();
        for (var i = 0; i < 3; i++) ids.Add(await SubmitAsync(silo.Http, Delay("00:01:00")));
        await Eventually.Until(async () => (await ListAsync(silo.Http, "Running")).Count == 1, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200),
            "the first job never ran");

        using var refused = await silo.Http.PostAsJsonAsync("/api/batches", batch, Token);
        var problem = await ProblemAsync(refused, HttpStatusCode.TooManyRequests);
        Assert.Contains("MaxWaitingJobs", problem.GetProperty("detail").GetString());
        Assert.Equal(TimeSpan.FromSeconds(3), refused.Headers.RetryAfter?.Delta);
        Assert.Empty((await ListAsync(silo.Http)).Keys.Except(ids)); // nothing of the refused batch was stored

        foreach (var id in ids)
            (await silo.Http.PostAsync($"/api/jobs/{id}/cancel", null, Token)).Dispose();
        await Eventually.Until(async () =>
        {
            using var accepted = await silo.Http.PostAsJsonAsync("/api/batches", batch, Token);
            return accepted.StatusCode == HttpStatusCode.Accepted;
        }, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(250), "the drained silo still refused the batch");
    }

    [Fact]
    public async Task A_job_without_a_timeout_gets_the_default_and_a_longer_one_than_the_maximum_is_refused()
    {
        await using var silo = await SiloProcess.StartReadyAsync("--OrleansJobs:DefaultTimeout=00:00:02", "--OrleansJobs:MaxTimeout=01:00:00");

        using var tooLong = await silo.Http.PostAsJsonAsync("/api/jobs", new { type = "noop", timeout = "PT2H" }, Token);
        var problem = await ProblemAsync(tooLong, HttpStatusCode.BadRequest);
        Assert.Contains("OrleansJobs:MaxTimeout", problem.GetProperty("errors").GetProperty("timeout")[0].GetString());
        using var beyondATimer = await silo.Http.PostAsJsonAsync("/api/jobs", new { type = "noop", timeout = "P100D" }, Token);
        await ProblemAsync(beyondATimer, HttpStatusCode.BadRequest);

        // A 30 s job with no timeout of its own and one attempt: the 2 s default ends it.
        var id = await SubmitAsync(silo.Http, new { type = "delay", payload = new { duration = "00:00:30", steps = 1 }, maxAttempts = 1 });
        var jobs = await UntilEveryAsync(silo.Http, [id], s => s is "Succeeded" or "Failed" or "Cancelled", TimeSpan.FromSeconds(60), "the job never ended");
        Assert.Equal("Failed", jobs[id].GetProperty("status").GetString());
        Assert.Equal(["TimedOut"], Outcomes(jobs[id]));
    }

    [Fact]
    public async Task A_queue_rate_too_small_to_represent_is_refused_and_one_a_day_is_taken()
    {
        await using var silo = await SiloProcess.StartReadyAsync();

        foreach (var rate in new[] { 1e-300, 5e-324, 1e-6 })
        {
            using var refused = await silo.Http.PutAsJsonAsync("/api/queues/slow", new { ratePerSecond = rate }, Token);
            var problem = await ProblemAsync(refused, HttpStatusCode.BadRequest);
            Assert.Contains("one a day", problem.GetProperty("errors").GetProperty("ratePerSecond")[0].GetString());
        }
        using var oneADay = await silo.Http.PutAsJsonAsync("/api/queues/slow", new { ratePerSecond = 1.0 / 86_400 }, Token);
        Assert.Equal(HttpStatusCode.OK, oneADay.StatusCode);
        // The queue works at that rate: its first job starts on the bucket's first token.
        var id = await SubmitAsync(silo.Http, new { type = "noop", queue = "slow" });
        await UntilEveryAsync(silo.Http, [id], s => s == "Succeeded", TimeSpan.FromSeconds(60), "the slow queue's first job did not run");
    }

    [Fact]
    public async Task A_queue_settings_body_over_its_limit_is_a_413_problem_with_or_without_content_length()
    {
        await using var silo = await SiloProcess.StartReadyAsync();
        var padded = System.Text.Encoding.UTF8.GetBytes($$"""{"maxConcurrency": 2, "padding": "{{new string('x', 5 * 1024)}}"}""");

        foreach (var chunked in new[] { false, true })
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, "/api/queues/padded") { Content = new StreamContent(new MemoryStream(padded)) };
            request.Content.Headers.ContentType = new("application/json");
            // Chunked: no Content-Length to refuse by, so the limit is counted while reading.
            if (chunked) request.Headers.TransferEncodingChunked = true;
            else request.Content.Headers.ContentLength = padded.Length;
            using var refused = await silo.Http.SendAsync(request, Token);
            var problem = await ProblemAsync(refused, HttpStatusCode.RequestEntityTooLarge);
            Assert.Contains("4096 bytes", problem.GetProperty("detail").GetString());
        }

        // Refused before anything changed: the queue still has no limit, and a small body still sets one.
        var queue = await silo.Http.GetFromJsonAsync<JsonElement>("/api/queues/padded", Token);
        Assert.Equal(JsonValueKind.Null, queue.GetProperty("maxConcurrency").ValueKind);
        using var small = await silo.Http.PutAsJsonAsync("/api/queues/padded", new { maxConcurrency = 2 }, Token);
        Assert.Equal(HttpStatusCode.OK, small.StatusCode);
        Assert.Equal(2, (await small.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("maxConcurrency").GetInt32());
    }

    [Fact]
    public async Task A_job_takes_only_so_many_dependents_and_schedules_have_a_count_and_an_interval_limit()
    {
        await using var silo = await SiloProcess.StartReadyAsync(
            "--OrleansJobs:MaxDependents=2", "--OrleansJobs:MaxSchedules=2", "--OrleansJobs:MinScheduleInterval=00:01:00");

        var first = await SubmitAsync(silo.Http, new { type = "noop", runAt = "2099-01-01T00:00:00Z" });
        await SubmitAsync(silo.Http, new { type = "noop", dependsOn = new[] { first } });
        await SubmitAsync(silo.Http, new { type = "noop", dependsOn = new[] { first } });
        using var third = await silo.Http.PostAsJsonAsync("/api/jobs", new { type = "noop", dependsOn = new[] { first } }, Token);
        var problem = await ProblemAsync(third, HttpStatusCode.BadRequest);
        Assert.Contains("OrleansJobs:MaxDependents", problem.GetProperty("errors").GetProperty("dependsOn[0]")[0].GetString());
        using var batch = await silo.Http.PostAsJsonAsync("/api/batches", new { jobs = new[] { new { type = "noop", dependsOn = new[] { first } } } }, Token);
        problem = await ProblemAsync(batch, HttpStatusCode.BadRequest);
        Assert.Contains("OrleansJobs:MaxDependents", problem.GetProperty("errors").GetProperty("jobs[0].dependsOn[0]")[0].GetString());

        using var everyTenSeconds = await silo.Http.PutAsJsonAsync("/api/schedules/fast", new { cron = "*/10 * * * * *", job = new { type = "noop" } }, Token);
        problem = await ProblemAsync(everyTenSeconds, HttpStatusCode.BadRequest);
        Assert.Contains("OrleansJobs:MinScheduleInterval", problem.GetProperty("errors").GetProperty("cron")[0].GetString());
        foreach (var name in new[] { "hourly-a", "hourly-b" })
        {
            using var created = await silo.Http.PutAsJsonAsync($"/api/schedules/{name}", new { cron = "0 * * * *", job = new { type = "noop" } }, Token);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        using var oneTooMany = await silo.Http.PutAsJsonAsync("/api/schedules/hourly-c", new { cron = "0 * * * *", job = new { type = "noop" } }, Token);
        problem = await ProblemAsync(oneTooMany, HttpStatusCode.BadRequest);
        Assert.Contains("OrleansJobs:MaxSchedules", problem.GetProperty("errors").GetProperty("name")[0].GetString());
        using var changed = await silo.Http.PutAsJsonAsync("/api/schedules/hourly-a", new { cron = "30 * * * *", job = new { type = "noop" } }, Token);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode); // an existing schedule can still change
    }

    [Fact]
    public async Task Queue_names_beyond_the_label_limit_are_counted_under_other()
    {
        await using var silo = await SiloProcess.StartReadyAsync("--OrleansJobs:Telemetry:MaxQueueLabels=2", "--OrleansJobs:Telemetry:JobCountInterval=00:00:01");
        var ids = new List<string>();
        foreach (var queue in new[] { "labelled-1", "labelled-2", "unlabelled-3", "unlabelled-4", "unlabelled-5" })
            ids.Add(await SubmitAsync(silo.Http, new { type = "noop", queue }));
        await UntilEveryAsync(silo.Http, ids, s => s == "Succeeded", TimeSpan.FromSeconds(60), "the jobs did not all run");

        var scrape = await MetricsScrape.ScrapeAsync(silo.Http);
        var submitted = scrape.Where(s => MetricsScrape.Split(s.Key).Name == "orleansjobs_jobs_submitted_total")
            .ToDictionary(s => MetricsScrape.Split(s.Key).Labels["queue"], s => s.Value);
        Assert.Equal(["labelled-1", "labelled-2", "other"], submitted.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(3, submitted["other"]);
        Assert.DoesNotContain(scrape.Keys, series => series.Contains("unlabelled", StringComparison.Ordinal));
    }
}

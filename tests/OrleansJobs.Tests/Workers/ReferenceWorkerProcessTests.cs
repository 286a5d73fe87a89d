using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Workers;

/// <summary>
/// The reference workers (<c>workers/python/worker.py</c>, <c>workers/node/worker.mjs</c>) as real processes against a
/// real silo process on SQLite: jobs of an external type are leased over HTTP, run, reported on, lost with a killed
/// worker and taken over by another, cancelled through heartbeats, held to their queue's limit.
/// </summary>
[Trait("Kind", "Process")]
public sealed class ReferenceWorkerProcessTests
{
    private const string Type = "ext.steps";
    private static readonly TimeSpan Ready = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(60);

    private static SiloProcess StartSilo() => SiloProcess.Start(new SiloProcessOptions
    {
        Args = ["--OrleansJobs:SweepInterval=00:00:01", $"--OrleansJobs:Workers:Types:0={Type}"],
    });

    [Theory, InlineData("python"), InlineData("node")]
    public async Task Job_runs_on_a_worker_and_its_progress_reaches_a_hub_watcher(string language)
    {
        await using var silo = StartSilo();
        await silo.WaitUntilReadyAsync(Ready);
        await using var watcher = await HubWatcher.ConnectAsync(silo);
        var id = await ProcessApi.SubmitAsync(silo.Http, new { type = Type, payload = new { steps = 4, seconds = 0.3 } });
        await watcher.SubscribeAsync(id);

        await using var worker = WorkerProcess.Start(language, silo, "w-progress", Type);
        await watcher.UntilAllFinishedAsync([id], Settle);

        var job = await WorkerJobs.GetAsync(silo, id);
        Assert.Equal("Succeeded", job.GetProperty("status").GetString());
        Assert.Equal(4, job.GetProperty("result").GetProperty("steps").GetInt32());
        Assert.Equal(["Succeeded"], ProcessApi.Outcomes(job));
        Assert.Equal("w-progress", job.GetProperty("attempts")[0].GetProperty("worker").GetString());
        var progress = watcher.EventsOf(id).Where(e => e.Kind == "progress").Select(e => e.Percent).ToList();
        Assert.Contains(100.0, progress);
        Assert.True(progress.Count >= 2, $"the watcher saw {progress.Count} progress events");
    }

    [Theory, InlineData("python"), InlineData("node")]
    public async Task Worker_killed_mid_job_loses_its_lease_and_a_second_worker_finishes_the_job_once(string language)
    {
        await using var silo = StartSilo();
        await silo.WaitUntilReadyAsync(Ready);
        var id = await ProcessApi.SubmitAsync(silo.Http, new { type = Type, payload = new { steps = 12, seconds = 0.5 } });

        await using var first = WorkerProcess.Start(language, silo, "w-killed", Type);
        await WorkerJobs.UntilAsync(silo, id, job => job.GetProperty("progress").ValueKind == JsonValueKind.Object, "the first worker never reported progress");
        first.Kill();

        await using var second = WorkerProcess.Start(language, silo, "w-second", Type);
        var done = await WorkerJobs.UntilAsync(silo, id, job => job.GetProperty("status").GetString() == "Succeeded", "the job did not succeed on the second worker");

        Assert.Equal(["Lost", "Succeeded"], ProcessApi.Outcomes(done));
        Assert.Equal(["w-killed", "w-second"], done.GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("worker").GetString() ?? "").ToArray());
        Assert.Equal("w-second", done.GetProperty("result").GetProperty("worker").GetString());
        Assert.Single(await second.UntilOutputAsync(line => line.Contains($"job {id} completed"), Settle, "the second worker never logged the completion"),
            line => line.Contains($"job {id} completed"));
    }

    [Fact]
    public async Task Complete_under_an_expired_lease_is_a_409_and_changes_nothing()
    {
        await using var silo = StartSilo();
        await silo.WaitUntilReadyAsync(Ready);
        var id = await ProcessApi.SubmitAsync(silo.Http, new { type = Type, payload = new { steps = 1, seconds = 0.1 } });

        // This test is the first worker: it leases the job and goes silent until the lease is gone.
        using var leased = await silo.Http.PostAsJsonAsync("/api/workers/lease",
            new { worker = "w-silent", types = new[] { Type }, max = 5, wait = "20s", lease = "1s" }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, leased.StatusCode);
        var lease = (await leased.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("jobs").EnumerateArray().Single();
        Assert.Equal(id, lease.GetProperty("id").GetString());
        var staleLease = lease.GetProperty("leaseId").GetString();
        await WorkerJobs.UntilAsync(silo, id, job => ProcessApi.Outcomes(job) is ["Lost"], "the silent worker's lease never expired");

        using var stale = await silo.Http.PostAsJsonAsync($"/api/jobs/{id}/lease/{staleLease}/complete", new { result = new { from = "stale" } }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal("application/problem+json", stale.Content.Headers.ContentType?.MediaType);
        var after = await WorkerJobs.GetAsync(silo, id);
        Assert.NotEqual("Succeeded", after.GetProperty("status").GetString());
        Assert.Equal(["Lost"], ProcessApi.Outcomes(after));

        await using var worker = WorkerProcess.Start("python", silo, "w-live", Type);
        var done = await WorkerJobs.UntilAsync(silo, id, job => job.GetProperty("status").GetString() == "Succeeded", "the job did not succeed on the live worker");
        Assert.Equal(["Lost", "Succeeded"], ProcessApi.Outcomes(done));
        Assert.Equal("w-live", done.GetProperty("result").GetProperty("worker").GetString());
    }

    [Theory, InlineData("python"), InlineData("node")]
    public async Task Cancel_reaches_the_worker_at_its_next_heartbeat_and_the_worker_stops_cleanly_on_SIGTERM(string language)
    {
        await using var silo = StartSilo();
        await silo.WaitUntilReadyAsync(Ready);
        var id = await ProcessApi.SubmitAsync(silo.Http, new { type = Type, payload = new { steps = 600, seconds = 0.2 } });

        await using var worker = WorkerProcess.Start(language, silo, "w-cancelled", Type);
        await WorkerJobs.UntilAsync(silo, id, job => job.GetProperty("status").GetString() == "Running", "the worker never leased the job");
        using var cancel = await silo.Http.PostAsync($"/api/jobs/{id}/cancel", null, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);

        var cancelled = await WorkerJobs.UntilAsync(silo, id, job => job.GetProperty("status").GetString() == "Cancelled", "the worker did not stop the cancelled job");
        Assert.Equal(["Cancelled"], ProcessApi.Outcomes(cancelled));
        await worker.UntilOutputAsync(line => line.Contains($"job {id}: cancel requested"), Settle, "the worker never logged the cancel request");

        Assert.Equal(0, await worker.TerminateAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(worker.Output(), line => line.Contains("stopped"));
    }

    [Fact]
    public async Task Bad_worker_requests_are_problem_details_and_an_unknown_job_is_a_404()
    {
        await using var silo = StartSilo();
        await silo.WaitUntilReadyAsync(Ready);
        object[] bad =
        [
            new { worker = "w", types = new[] { "noop" } },                  // a type with a handler in the silo, not an external one
            new { worker = "w", types = new[] { Type }, max = 0 },
            new { worker = "w", types = new[] { Type }, wait = "5m" },
            new { worker = "", types = new[] { Type } },
            new { worker = "w", types = Array.Empty<string>() },
            new { worker = "w", types = new[] { Type }, surprise = true },
        ];
        foreach (var body in bad)
        {
            using var response = await silo.Http.PostAsJsonAsync("/api/workers/lease", body, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        using var empty = await silo.Http.PostAsJsonAsync("/api/workers/lease", new { worker = "w", types = new[] { Type }, wait = "0s" }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
        Assert.Equal(0, (await empty.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("jobs").GetArrayLength());

        using var unknown = await silo.Http.PostAsJsonAsync("/api/jobs/job_00000000000000000000000000000000/lease/x/heartbeat", new { percent = 10 }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var badPercent = await silo.Http.PostAsJsonAsync("/api/jobs/job_00000000000000000000000000000000/lease/x/heartbeat", new { percent = 140 }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, badPercent.StatusCode);
    }

    // Found by the boundary fuzz (BoundaryFuzzTests): a field given twice, or a string that is not text, threw when the
    // field was read (a 500).
    [Fact]
    public async Task A_field_given_twice_or_a_string_that_is_not_text_is_a_400()
    {
        await using var silo = StartSilo();
        await silo.WaitUntilReadyAsync(Ready);
        byte[][] bodies =
        [
            System.Text.Encoding.UTF8.GetBytes($$"""{"worker":"w","worker":"v","types":["{{Type}}"]}"""),
            System.Text.Encoding.UTF8.GetBytes($$"""{"worker":"\ud800","types":["{{Type}}"]}"""),
            [.. System.Text.Encoding.UTF8.GetBytes("{\"worker\":\""), 0xC3, 0x28, .. System.Text.Encoding.UTF8.GetBytes("\",\"types\":[\"" + Type + "\"]}")],
        ];
        foreach (var body in bodies)
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            using var response = await silo.Http.PostAsync("/api/workers/lease", content, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task A_queue_limit_of_one_holds_across_two_workers()
    {
        await using var silo = StartSilo();
        await silo.WaitUntilReadyAsync(Ready);
        using var limit = await silo.Http.PutAsJsonAsync("/api/queues/py-one", new { maxConcurrency = 1 }, TestContext.Current.CancellationToken);
        Assert.True(limit.IsSuccessStatusCode, $"PUT queue: {limit.StatusCode}");
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
            ids.Add(await ProcessApi.SubmitAsync(silo.Http, new { type = Type, queue = "py-one", payload = new { steps = 4, seconds = 0.4 } }));

        await using var first = WorkerProcess.Start("python", silo, "w-a", Type);
        await using var second = WorkerProcess.Start("python", silo, "w-b", Type);
        var mostRunning = 0;
        await Eventually.Until(async () =>
        {
            var jobs = (await ProcessApi.ListAsync(silo.Http)).Where(j => ids.Contains(j.Key)).Select(j => j.Value.GetProperty("status").GetString()).ToList();
            mostRunning = Math.Max(mostRunning, jobs.Count(s => s == "Running"));
            return jobs.Count == ids.Count && jobs.All(s => s == "Succeeded");
        }, Settle, TimeSpan.FromMilliseconds(100), "the queue's jobs did not all succeed");

        Assert.Equal(1, mostRunning);
    }
}

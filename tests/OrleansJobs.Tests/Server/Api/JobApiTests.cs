using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OrleansJobs.Jobs;
using OrleansJobs.Storage;
using static OrleansJobs.Tests.Infrastructure.JobApi;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Server.Api;

[Collection(typeof(SiloHostCollection))]
[Trait("Kind", "Silo")]
public sealed class JobApiTests(SiloHostFixture host)
{
    private HttpClient Http => host.Http;
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>A queue of the test's own, so listings see only its jobs in the shared host.</summary>
    private static string NewQueue() => "q" + Guid.NewGuid().ToString("N")[..12];

    private async Task<JsonElement> ListAsync(string query)
    {
        var (response, page) = await Http.GetJsonAsync($"/api/jobs?{query}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return page;
    }

    private static List<string> Ids(JsonElement page) =>
        page.GetProperty("items").EnumerateArray().Select(job => job.GetProperty("id").GetString()!).ToList();

    [Fact]
    public async Task Submit_answers_202_with_location_and_the_job_in_camel_case()
    {
        var (response, job) = await Http.PostJsonAsync("/api/jobs", """{"type":"noop","tags":{"tenant":"acme"}}""");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var id = job.GetProperty("id").GetString()!;
        Assert.StartsWith("job_", id);
        Assert.Equal($"/api/jobs/{id}", response.Headers.Location?.OriginalString);
        // Its queue has no limits and a handler slot was free: it was stored with its first attempt begun.
        Assert.Equal("Running", Status(job));
        Assert.Equal(1, job.GetProperty("attempt").GetInt32());
        Assert.Equal("noop", job.GetProperty("type").GetString());
        Assert.Equal("default", job.GetProperty("queue").GetString());
        Assert.Equal(3, job.GetProperty("maxAttempts").GetInt32());
        Assert.True(job.TryGetProperty("createdAt", out _));
        Assert.Equal("acme", job.GetProperty("tags").GetProperty("tenant").GetString());

        var done = await Http.WaitUntilFinishedAsync(id);
        Assert.Equal("Succeeded", Status(done));
        Assert.Equal("Succeeded", Outcome(done.GetProperty("attempts").EnumerateArray().Single()));
    }

    [Fact]
    public async Task A_job_that_can_start_at_once_costs_two_writes_and_one_that_must_wait_for_its_queue_three()
    {
        var store = host.Services.GetRequiredService<IJobStore>();
        // The grain may answer a finished job while its outcome's write is still on its way: the row is read once it is
        // stored finished.
        async Task<long> VersionOf(string id)
        {
            StoredJob? stored = null;
            await Eventually.Until(async () => (stored = await store.ReadAsync(id, TestContext.Current.CancellationToken))?.State.Status.IsTerminal() == true,
                TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(20), $"job {id} was not stored finished");
            return stored!.Version;
        }

        // Created and started in one write, then its outcome.
        var (_, atOnce) = await Http.PostJsonAsync("/api/jobs", """{ "type": "noop" }""");
        var atOnceId = atOnce.GetProperty("id").GetString()!;
        var done = await Http.WaitUntilFinishedAsync(atOnceId);
        Assert.Equal("Succeeded", Status(done));
        Assert.Equal(atOnce.GetProperty("attempts")[0].GetProperty("startedAt").GetDateTimeOffset(), done.GetProperty("attempts")[0].GetProperty("startedAt").GetDateTimeOffset());
        Assert.Equal(2, await VersionOf(atOnceId));
        // Its start is when the handler began, after the write that created it committed, not when that write was prepared.
        Assert.True(done.GetProperty("attempts")[0].GetProperty("startedAt").GetDateTimeOffset() > done.GetProperty("createdAt").GetDateTimeOffset(),
            $"startedAt {done.GetProperty("attempts")[0].GetProperty("startedAt")} is not after createdAt {done.GetProperty("createdAt")}");

        // A queue with a limit is asked for a slot first: created Queued, then started, then its outcome.
        var queue = $"limited-{Guid.NewGuid():N}"[..20];
        using (var put = await Http.PutAsJsonAsync($"/api/queues/{queue}", new { maxConcurrency = 1 }, TestContext.Current.CancellationToken))
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var (_, limited) = await Http.PostJsonAsync("/api/jobs", $$"""{ "type": "noop", "queue": "{{queue}}" }""");
        Assert.Equal("Queued", Status(limited));
        var limitedId = limited.GetProperty("id").GetString()!;
        Assert.Equal("Succeeded", Status(await Http.WaitUntilFinishedAsync(limitedId)));
        Assert.Equal(3, await VersionOf(limitedId));
    }

    [Fact]
    public async Task Submit_with_run_at_in_the_future_is_scheduled_for_that_time()
    {
        var runAt = DateTimeOffset.UtcNow.AddMinutes(10);
        var (response, job) = await Http.PostJsonAsync("/api/jobs", $$"""{"type":"noop","runAt":"{{runAt:O}}"}""");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("Scheduled", Status(job));
        Assert.Equal(runAt, job.GetProperty("scheduledAt").GetDateTimeOffset());
        Assert.Equal("Scheduled", Status(await Http.GetJobAsync(job.GetProperty("id").GetString()!)));
    }

    [Fact]
    public async Task Submit_with_wait_returns_200_and_the_finished_job()
    {
        var (response, job) = await Http.PostJsonAsync("/api/jobs?wait=5s", """{"type":"noop"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Succeeded", Status(job));
        Assert.True(job.TryGetProperty("completedAt", out var completedAt) && completedAt.ValueKind == JsonValueKind.String);
    }

    [Fact]
    public async Task Submit_with_wait_returns_202_when_the_job_is_not_done_in_time()
    {
        var (response, job) = await Http.PostJsonAsync("/api/jobs?wait=1s", """{"type":"delay","payload":{"duration":"00:00:05"}}""");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal($"/api/jobs/{job.GetProperty("id").GetString()}", response.Headers.Location?.OriginalString);
        Assert.Equal("Running", Status(job));
    }

    [Theory]
    [InlineData("forever")]
    [InlineData("-5s")]
    [InlineData("1h")]
    public async Task Submit_with_a_bad_wait_is_a_400_problem(string wait)
    {
        var (response, problem) = await Http.PostJsonAsync($"/api/jobs?wait={wait}", """{"type":"noop"}""");
        Assert.Contains(wait, AssertFieldError(response, problem, "wait"));
    }

    [Fact]
    public async Task The_same_idempotency_key_by_header_or_body_returns_the_first_job_and_makes_no_second()
    {
        var key = "invoice-" + Guid.NewGuid();
        var queue = NewQueue();
        var (first, job) = await Http.PostJsonAsync("/api/jobs", $$"""{"type":"noop","queue":"{{queue}}"}""", r => r.Headers.Add("Idempotency-Key", key));
        var (second, again) = await Http.PostJsonAsync("/api/jobs", $$"""{"type":"delay","queue":"{{queue}}","idempotencyKey":"{{key}}"}""");

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(job.GetProperty("id").GetString(), again.GetProperty("id").GetString());
        Assert.Equal("noop", again.GetProperty("type").GetString());
        Assert.Equal([job.GetProperty("id").GetString()!], Ids(await ListAsync($"queue={queue}")));
    }

    [Theory]
    [InlineData("[1,2]", "$")]
    [InlineData("\"a string\"", "$")]
    [InlineData("{}", "type")]
    [InlineData("""{"type":"noop","colour":"red"}""", "colour")]
    [InlineData("""{"type":"noop","timeout":"soon"}""", "timeout")]
    [InlineData("""{"type":"noop","runAt":"tomorrow"}""", "runAt")]
    [InlineData("""{"type":"noop","runAt":"2026-12-01T09:00:00"}""", "runAt")]
    [InlineData("""{"type":"noop","maxAttempts":0}""", "maxAttempts")]
    [InlineData("""{"type":"noop","retry":{"initialDelay":"later"}}""", "retry.initialDelay")]
    [InlineData("""{"type":"noop","queue":"no spaces"}""", "queue")]
    public async Task Invalid_submissions_are_400_problems_naming_the_field(string json, string field)
    {
        var (response, problem) = await Http.PostJsonAsync("/api/jobs", json);
        AssertFieldError(response, problem, field);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("")]
    public async Task Malformed_json_is_a_400_problem_with_the_parser_detail(string body)
    {
        var (response, problem) = await Http.PostJsonAsync("/api/jobs", body);
        AssertProblem(response, HttpStatusCode.BadRequest, problem);
        Assert.NotEmpty(Detail(problem));
    }

    [Fact]
    public async Task Unknown_type_is_a_400_problem_that_lists_the_known_types()
    {
        var (response, problem) = await Http.PostJsonAsync("/api/jobs", """{"type":"transcode"}""");

        var message = AssertFieldError(response, problem, "type");
        Assert.Contains("transcode", message);
        Assert.Contains("delay", message);
        Assert.Contains("http", message);
        Assert.Contains("noop", message);
    }

    [Fact]
    public async Task Idempotency_key_header_that_contradicts_the_body_is_a_400_problem()
    {
        var (response, problem) = await Http.PostJsonAsync("/api/jobs", """{"type":"noop","idempotencyKey":"a"}""", r => r.Headers.Add("Idempotency-Key", "b"));
        AssertFieldError(response, problem, "idempotencyKey");
    }

    [Theory]
    [InlineData(2_000, false)]
    [InlineData(2_000, true)]
    [InlineData(200_000, false)]
    [InlineData(200_000, true)]
    public async Task Payload_over_the_limit_is_a_413_problem_with_or_without_content_length(int payloadBytes, bool chunked)
    {
        var body = Encoding.UTF8.GetBytes($$"""{"type":"noop","payload":"{{new string('x', payloadBytes)}}"}""");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/jobs") { Content = new StreamContent(new MemoryStream(body)) };
        request.Content.Headers.ContentType = new("application/json");
        if (chunked) request.Headers.TransferEncodingChunked = true;
        else request.Content.Headers.ContentLength = body.Length;

        using var response = await Http.SendAsync(request, Token);

        var problem = JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync(Token));
        AssertProblem(response, HttpStatusCode.RequestEntityTooLarge, problem);
        Assert.Contains($"{SiloHostFixture.MaxPayloadBytes} bytes", Detail(problem));
    }

    [Fact]
    public async Task A_list_page_leaves_payloads_and_results_out_unless_included()
    {
        var queue = NewQueue();
        var id = await Http.SubmitAsync($$$"""{"type":"delay","queue":"{{{queue}}}","payload":{"duration":"00:00:00","steps":1}}""");
        await Http.WaitUntilFinishedAsync(id);

        var plain = (await ListAsync($"queue={queue}")).GetProperty("items")[0];
        Assert.Equal((JsonValueKind.Null, JsonValueKind.Null), (plain.GetProperty("payload").ValueKind, plain.GetProperty("result").ValueKind));
        var withPayload = (await ListAsync($"queue={queue}&include=payload")).GetProperty("items")[0];
        Assert.Equal("00:00:00", withPayload.GetProperty("payload").GetProperty("duration").GetString());
        Assert.Equal(JsonValueKind.Null, withPayload.GetProperty("result").ValueKind);
        var both = (await ListAsync($"queue={queue}&include=payload,result")).GetProperty("items")[0];
        Assert.Equal(1, both.GetProperty("result").GetProperty("steps").GetInt32());
        Assert.Equal(JsonValueKind.Object, both.GetProperty("payload").ValueKind);

        var (response, problem) = await Http.GetJsonAsync($"/api/jobs?queue={queue}&include=payload,secrets");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("secrets", problem.GetProperty("errors").GetProperty("include")[0].GetString());
    }

    [Fact]
    public async Task A_finished_delay_job_shows_its_result_progress_and_attempts()
    {
        var id = await Http.SubmitAsync("""{"type":"delay","payload":{"duration":"00:00:03","steps":3}}""");

        var running = await Http.WaitForJobAsync(id, job => job.GetProperty("progress").ValueKind == JsonValueKind.Object, "reported no progress");
        Assert.Equal("Running", Status(running));
        Assert.InRange(running.GetProperty("progress").GetProperty("percent").GetDouble(), 33, 67);

        var done = await Http.WaitUntilFinishedAsync(id);
        Assert.Equal("Succeeded", Status(done));
        Assert.Equal(3, done.GetProperty("result").GetProperty("steps").GetInt32());
        Assert.Equal(100, done.GetProperty("progress").GetProperty("percent").GetDouble());
        Assert.Equal("step 3/3", done.GetProperty("progress").GetProperty("message").GetString());
        Assert.Equal(1, done.GetProperty("attempt").GetInt32());
        var attempt = done.GetProperty("attempts").EnumerateArray().Single();
        Assert.Equal(1, attempt.GetProperty("number").GetInt32());
        Assert.Equal("Succeeded", Outcome(attempt));
        Assert.True(attempt.GetProperty("endedAt").GetDateTimeOffset() >= attempt.GetProperty("startedAt").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Null, done.GetProperty("error").ValueKind);
        Assert.Equal(attempt.GetProperty("endedAt").GetDateTimeOffset(), done.GetProperty("completedAt").GetDateTimeOffset());
    }

    [Theory]
    [InlineData("job_00000000000000000000000000000000")]
    [InlineData("not-a-job")]
    [InlineData("JOB_00000000000000000000000000000000")]
    public async Task Unknown_or_malformed_ids_are_404_problems_for_get_cancel_and_retry(string id)
    {
        var answers = new[]
        {
            await Http.GetJsonAsync($"/api/jobs/{id}"),
            await Http.PostJsonAsync($"/api/jobs/{id}/cancel", ""),
            await Http.PostJsonAsync($"/api/jobs/{id}/retry", ""),
        };
        foreach (var (response, problem) in answers)
        {
            AssertProblem(response, HttpStatusCode.NotFound, problem);
            Assert.Contains(id, Detail(problem));
        }
    }

    [Fact]
    public async Task Listing_pages_newest_first_without_gaps_or_duplicates()
    {
        var queue = NewQueue();
        var submitted = new List<string>();
        for (var i = 0; i < 25; i++)
            submitted.Add(await Http.SubmitAsync($$"""{"type":"noop","queue":"{{queue}}"}"""));

        var seen = new List<string>();
        var pages = 0;
        string? cursor = null;
        do
        {
            var page = await ListAsync($"queue={queue}&limit=10{(cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))}");
            seen.AddRange(Ids(page));
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        } while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Reverse(submitted), seen);
    }

    [Fact]
    public async Task Listing_filters_by_status_queue_and_type_alone_and_combined()
    {
        var queue = NewQueue();
        var delays = new List<string>();
        var noops = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            delays.Add(await Http.SubmitAsync($$$"""{"type":"delay","queue":"{{{queue}}}","payload":{"duration":"00:00:00","steps":1}}"""));
            noops.Add(await Http.SubmitAsync($$"""{"type":"noop","queue":"{{queue}}"}"""));
        }
        var failed = await Http.SubmitAsync($$"""{"type":"delay","queue":"{{queue}}","payload":{"duration":"00:00:00","failAttempts":1},"maxAttempts":1}""");
        foreach (var id in delays.Concat(noops).Append(failed))
            await Http.WaitUntilFinishedAsync(id);
        List<string> Newest(IEnumerable<string> ids) => ids.Reverse().ToList(); // each list is in submission order

        Assert.Equal(Newest([.. delays.Zip(noops).SelectMany(p => new[] { p.First, p.Second }), failed]), Ids(await ListAsync($"queue={queue}")));
        Assert.Equal(Newest(delays), Ids(await ListAsync($"queue={queue}&type=delay&status=Succeeded")));
        Assert.Equal([failed], Ids(await ListAsync($"queue={queue}&status=failed")));
        Assert.Equal(Newest(noops), Ids(await ListAsync($"type=noop&queue={queue}&status=Succeeded")));
        Assert.Empty(Ids(await ListAsync($"queue={queue}&type=http")));
        var exactPage = await ListAsync($"queue={queue}&limit=7");
        Assert.Equal(7, Ids(exactPage).Count);
        Assert.Equal(JsonValueKind.Null, exactPage.GetProperty("nextCursor").ValueKind);

        // Alone, a filter sees the other tests' jobs too: each item matches it, and ours are among them.
        var byStatus = (await ListAsync("status=Failed&limit=500")).GetProperty("items").EnumerateArray().ToList();
        Assert.All(byStatus, job => Assert.Equal("Failed", Status(job)));
        Assert.Contains(failed, byStatus.Select(job => job.GetProperty("id").GetString()));
        var byType = (await ListAsync("type=delay&limit=500")).GetProperty("items").EnumerateArray().ToList();
        Assert.All(byType, job => Assert.Equal("delay", job.GetProperty("type").GetString()));
        Assert.Superset(delays.Append(failed).ToHashSet(), byType.Select(job => job.GetProperty("id").GetString()!).ToHashSet());
    }

    [Theory]
    [InlineData("status=Exploded", "status")]
    [InlineData("status=1", "status")]
    [InlineData("status=Queued,Running", "status")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=501", "limit")]
    [InlineData("limit=many", "limit")]
    [InlineData("cursor=!!not-a-cursor!!", "cursor")]
    [InlineData("cursor=bm90LWEtY3Vyc29y", "cursor")]
    public async Task Bad_listing_parameters_are_400_problems(string query, string field)
    {
        var (response, problem) = await Http.GetJsonAsync($"/api/jobs?{query}");
        AssertFieldError(response, problem, field);
    }

    [Fact]
    public async Task Cancel_of_a_running_job_stops_its_handler_and_answers_the_cancelled_job()
    {
        var id = await Http.SubmitAsync("""{"type":"delay","payload":{"duration":"00:00:30"}}""");
        await Http.WaitForStatusAsync(id, "Running");

        var (response, job) = await Http.PostJsonAsync($"/api/jobs/{id}/cancel", "");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Cancelled", Status(job));
        Assert.Equal("Cancelled", Outcome(job.GetProperty("attempts").EnumerateArray().Single()));
        Assert.Equal("Cancelled", Status(await Http.GetJobAsync(id)));
    }

    [Fact]
    public async Task Cancel_of_a_scheduled_job_answers_the_cancelled_job()
    {
        var id = await Http.SubmitAsync($$"""{"type":"noop","runAt":"{{DateTimeOffset.UtcNow.AddHours(1):O}}"}""");

        var (response, job) = await Http.PostJsonAsync($"/api/jobs/{id}/cancel", "");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Cancelled", Status(job));
        Assert.Empty(job.GetProperty("attempts").EnumerateArray());
    }

    [Fact]
    public async Task Cancel_of_a_finished_job_is_a_409_problem_with_its_status()
    {
        var (_, job) = await Http.PostJsonAsync("/api/jobs?wait=5s", """{"type":"noop"}""");
        var id = job.GetProperty("id").GetString()!;

        var (response, problem) = await Http.PostJsonAsync($"/api/jobs/{id}/cancel", "");

        AssertProblem(response, HttpStatusCode.Conflict, problem);
        Assert.Equal("Succeeded", problem.GetProperty("jobStatus").GetString());
        Assert.Contains(id, Detail(problem));
        Assert.Equal("Succeeded", Status(await Http.GetJobAsync(id)));
    }

    [Fact]
    public async Task Retry_of_a_failed_job_reruns_it_until_it_succeeds()
    {
        var id = await Http.SubmitAsync("""{"type":"delay","payload":{"duration":"00:00:00","failAttempts":1},"maxAttempts":1}""");
        var failed = await Http.WaitUntilFinishedAsync(id);
        Assert.Equal("Failed", Status(failed));
        Assert.Contains("fails on purpose", failed.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal("Failed", Outcome(failed.GetProperty("attempts").EnumerateArray().Single()));

        var (response, job) = await Http.PostJsonAsync($"/api/jobs/{id}/retry", "");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal($"/api/jobs/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("Queued", Status(job));
        var done = await Http.WaitUntilFinishedAsync(id);
        Assert.Equal("Succeeded", Status(done));
        Assert.Equal(JsonValueKind.Null, done.GetProperty("error").ValueKind);
        Assert.Equal(["Failed", "Succeeded"], done.GetProperty("attempts").EnumerateArray().Select(Outcome));
    }

    [Fact]
    public async Task Retries_that_race_the_finished_jobs_deactivation_each_run_one_attempt_that_succeeds()
    {
        // A finished job's activation goes as soon as it is idle; a retry right after the failure reaches it while it
        // is going. Many rounds, four at a time, so that some retries land in that window.
        var wrong = new List<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 200), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = Token }, async (_, _) =>
        {
            var id = await Http.SubmitAsync("""{"type":"delay","payload":{"duration":"00:00:00","failAttempts":1},"maxAttempts":1}""");
            Assert.Equal("Failed", Status(await Http.WaitUntilFinishedAsync(id)));
            var (response, _) = await Http.PostJsonAsync($"/api/jobs/{id}/retry", "");
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            var done = await Http.WaitUntilFinishedAsync(id);
            var outcomes = string.Join(",", done.GetProperty("attempts").EnumerateArray().Select(Outcome));
            if (Status(done) != "Succeeded" || outcomes != "Failed,Succeeded")
                lock (wrong) wrong.Add($"{id}: {Status(done)} after attempts {outcomes}");
        });
        Assert.True(wrong.Count == 0, $"{wrong.Count} of 200 retried jobs went wrong:\n{string.Join("\n", wrong)}");
    }

    [Fact]
    public async Task Retry_of_a_cancelled_job_reruns_it()
    {
        var id = await Http.SubmitAsync("""{"type":"delay","payload":{"duration":"00:00:02","steps":2}}""");
        await Http.WaitForStatusAsync(id, "Running");
        var (cancelled, _) = await Http.PostJsonAsync($"/api/jobs/{id}/cancel", "");
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);

        var (response, job) = await Http.PostJsonAsync($"/api/jobs/{id}/retry", "");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("Queued", Status(job));
        var done = await Http.WaitUntilFinishedAsync(id);
        Assert.Equal("Succeeded", Status(done));
        Assert.Equal(["Cancelled", "Succeeded"], done.GetProperty("attempts").EnumerateArray().Select(Outcome));
    }

    [Fact]
    public async Task Retry_of_a_job_that_succeeded_is_a_409_problem_with_its_status()
    {
        var (_, job) = await Http.PostJsonAsync("/api/jobs?wait=5s", """{"type":"noop"}""");
        var id = job.GetProperty("id").GetString()!;

        var (response, problem) = await Http.PostJsonAsync($"/api/jobs/{id}/retry", "");

        AssertProblem(response, HttpStatusCode.Conflict, problem);
        Assert.Equal("Succeeded", problem.GetProperty("jobStatus").GetString());
        Assert.Contains("Failed or Cancelled", Detail(problem));
    }
}

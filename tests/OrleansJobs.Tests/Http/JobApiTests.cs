using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Http;

public sealed class JobApiTests(SiloHostFixture host) : IClassFixture<SiloHostFixture>
{
    private HttpClient Http => host.Http;
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private async Task<(HttpResponseMessage Response, JsonElement Body)> PostAsync(string url, string json, Action<HttpRequestMessage>? configure = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        configure?.Invoke(request);
        var response = await Http.SendAsync(request, Token);
        var text = await response.Content.ReadAsStringAsync(Token);
        return (response, text.Length == 0 ? default : JsonSerializer.Deserialize<JsonElement>(text));
    }

    private async Task<JsonElement> GetJobAsync(string id) => await Http.GetFromJsonAsync<JsonElement>($"/api/jobs/{id}", Token);

    private async Task<JsonElement> FinishedAsync(string id)
    {
        JsonElement job = default;
        await Eventually.Until(async () =>
        {
            job = await GetJobAsync(id);
            return job.GetProperty("status").GetString() is "Succeeded" or "Failed" or "Cancelled";
        }, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(50), $"job {id} did not finish");
        return job;
    }

    private static void AssertProblem(HttpResponseMessage response, HttpStatusCode status, JsonElement body)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("title").GetString()));
    }

    [Fact]
    public async Task Submit_answers_202_with_location_and_the_queued_job()
    {
        var (response, job) = await PostAsync("/api/jobs", """{"type":"noop","tags":{"tenant":"acme"}}""");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = job.GetProperty("id").GetString()!;
        Assert.StartsWith("job_", id);
        Assert.Equal($"/api/jobs/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("Queued", job.GetProperty("status").GetString());
        Assert.Equal("acme", job.GetProperty("tags").GetProperty("tenant").GetString());

        var done = await FinishedAsync(id);
        Assert.Equal("Succeeded", done.GetProperty("status").GetString());
        Assert.Equal("Succeeded", done.GetProperty("attempts")[0].GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task Delayed_submit_is_scheduled_for_its_run_time()
    {
        var runAt = DateTimeOffset.UtcNow.AddMinutes(10);
        var (response, job) = await PostAsync("/api/jobs", $$"""{"type":"noop","runAt":"{{runAt:O}}"}""");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("Scheduled", job.GetProperty("status").GetString());
        Assert.Equal(runAt, job.GetProperty("scheduledAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Submit_with_wait_returns_200_with_the_finished_job_or_202_when_not_done_in_time()
    {
        var (done, finished) = await PostAsync("/api/jobs?wait=5s", """{"type":"delay","payload":{"duration":"00:00:00.3","steps":3}}""");
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Equal("Succeeded", finished.GetProperty("status").GetString());
        Assert.Equal(3, finished.GetProperty("result").GetProperty("steps").GetInt32());

        var (pending, running) = await PostAsync("/api/jobs?wait=1s", """{"type":"delay","payload":{"duration":"00:00:05"}}""");
        Assert.Equal(HttpStatusCode.Accepted, pending.StatusCode);
        Assert.Equal("Running", running.GetProperty("status").GetString());

        var (bad, problem) = await PostAsync("/api/jobs?wait=forever", """{"type":"noop"}""");
        AssertProblem(bad, HttpStatusCode.BadRequest, problem);
        Assert.True(problem.GetProperty("errors").TryGetProperty("wait", out _));
    }

    [Fact]
    public async Task The_same_idempotency_key_returns_the_first_job_by_header_or_body()
    {
        var key = "invoice-" + Guid.NewGuid();
        var (first, job) = await PostAsync("/api/jobs", """{"type":"noop"}""", r => r.Headers.Add("Idempotency-Key", key));
        var (second, again) = await PostAsync("/api/jobs", $$"""{"type":"delay","idempotencyKey":"{{key}}"}""");
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(job.GetProperty("id").GetString(), again.GetProperty("id").GetString());
        Assert.Equal("noop", again.GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("{not json", "")]
    [InlineData("[1,2]", "$")]
    [InlineData("{}", "type")]
    [InlineData("""{"type":"noop","colour":"red"}""", "colour")]
    [InlineData("""{"type":"noop","timeout":"soon"}""", "timeout")]
    [InlineData("""{"type":"noop","runAt":"tomorrow"}""", "runAt")]
    [InlineData("""{"type":"noop","maxAttempts":0}""", "maxAttempts")]
    public async Task Invalid_submissions_are_400_problems_naming_the_field(string json, string field)
    {
        var (response, problem) = await PostAsync("/api/jobs", json);
        AssertProblem(response, HttpStatusCode.BadRequest, problem);
        if (field.Length == 0) Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
        else Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"no error for '{field}' in {problem}");
    }

    [Fact]
    public async Task Unknown_type_is_a_400_that_lists_the_known_types()
    {
        var (response, problem) = await PostAsync("/api/jobs", """{"type":"transcode"}""");
        AssertProblem(response, HttpStatusCode.BadRequest, problem);
        var message = problem.GetProperty("errors").GetProperty("type")[0].GetString()!;
        Assert.Contains("delay", message);
        Assert.Contains("http", message);
        Assert.Contains("noop", message);
    }

    [Fact]
    public async Task Payload_over_the_limit_is_413_with_or_without_content_length()
    {
        var big = new string('x', 2000);
        var (response, problem) = await PostAsync("/api/jobs", $$"""{"type":"noop","payload":"{{big}}"}""");
        AssertProblem(response, HttpStatusCode.RequestEntityTooLarge, problem);

        var chunked = new HttpRequestMessage(HttpMethod.Post, "/api/jobs")
        {
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes($$"""{"type":"noop","payload":"{{new string('y', 200_000)}}"}"""))),
        };
        chunked.Content.Headers.ContentType = new("application/json");
        chunked.Headers.TransferEncodingChunked = true;
        using var chunkedResponse = await Http.SendAsync(chunked, Token);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunkedResponse.StatusCode);
    }

    [Fact]
    public async Task Unknown_or_malformed_ids_are_404_problems()
    {
        foreach (var id in new[] { "job_" + new string('0', 32), "not-a-job" })
        {
            using var get = await Http.GetAsync($"/api/jobs/{id}", Token);
            AssertProblem(get, HttpStatusCode.NotFound, await get.Content.ReadFromJsonAsync<JsonElement>(Token));
            var (cancel, cancelProblem) = await PostAsync($"/api/jobs/{id}/cancel", "");
            AssertProblem(cancel, HttpStatusCode.NotFound, cancelProblem);
            var (retry, retryProblem) = await PostAsync($"/api/jobs/{id}/retry", "");
            AssertProblem(retry, HttpStatusCode.NotFound, retryProblem);
        }
    }

    [Fact]
    public async Task Cancel_stops_running_and_scheduled_jobs_and_is_409_once_finished()
    {
        var (_, running) = await PostAsync("/api/jobs", """{"type":"delay","payload":{"duration":"00:00:30"}}""");
        var runningId = running.GetProperty("id").GetString()!;
        await Eventually.Until(async () => (await GetJobAsync(runningId)).GetProperty("status").GetString() == "Running",
            TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(50), "job did not start");
        var (cancelled, job) = await PostAsync($"/api/jobs/{runningId}/cancel", "");
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        Assert.Equal("Cancelled", job.GetProperty("status").GetString());
        Assert.Equal("Cancelled", job.GetProperty("attempts")[0].GetProperty("outcome").GetString());

        var (_, scheduled) = await PostAsync("/api/jobs", $$"""{"type":"noop","runAt":"{{DateTimeOffset.UtcNow.AddHours(1):O}}"}""");
        var (cancelledScheduled, scheduledJob) = await PostAsync($"/api/jobs/{scheduled.GetProperty("id").GetString()}/cancel", "");
        Assert.Equal(HttpStatusCode.OK, cancelledScheduled.StatusCode);
        Assert.Equal("Cancelled", scheduledJob.GetProperty("status").GetString());

        var (again, problem) = await PostAsync($"/api/jobs/{runningId}/cancel", "");
        AssertProblem(again, HttpStatusCode.Conflict, problem);
        Assert.Equal("Cancelled", problem.GetProperty("jobStatus").GetString());
    }

    [Fact]
    public async Task Retry_reruns_a_failed_job_and_is_409_for_one_that_succeeded()
    {
        var (_, submitted) = await PostAsync("/api/jobs", """{"type":"delay","payload":{"duration":"00:00:00","failAttempts":1},"maxAttempts":1}""");
        var id = submitted.GetProperty("id").GetString()!;
        var failed = await FinishedAsync(id);
        Assert.Equal("Failed", failed.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(failed.GetProperty("error").GetProperty("message").GetString()));

        var (retried, job) = await PostAsync($"/api/jobs/{id}/retry", "");
        Assert.Equal(HttpStatusCode.Accepted, retried.StatusCode);
        Assert.Equal("Queued", job.GetProperty("status").GetString());
        var done = await FinishedAsync(id);
        Assert.Equal("Succeeded", done.GetProperty("status").GetString());
        Assert.Equal(2, done.GetProperty("attempts").GetArrayLength());

        var (again, problem) = await PostAsync($"/api/jobs/{id}/retry", "");
        AssertProblem(again, HttpStatusCode.Conflict, problem);
    }

    [Fact]
    public async Task Listing_filters_and_pages_newest_first_without_gaps_or_duplicates()
    {
        var queue = "q" + Guid.NewGuid().ToString("N")[..8];
        var submitted = new List<string>();
        for (var i = 0; i < 25; i++)
        {
            var type = i % 5 == 0 ? "delay" : "noop";
            var (_, job) = await PostAsync("/api/jobs", JsonSerializer.Serialize(new { type, queue }));
            submitted.Add(job.GetProperty("id").GetString()!);
        }
        await Eventually.Until(async () =>
        {
            var all = await Http.GetFromJsonAsync<JsonElement>($"/api/jobs?queue={queue}&status=Succeeded&limit=500", Token);
            return all.GetProperty("items").GetArrayLength() == 25;
        }, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(100), "jobs did not all succeed");

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await Http.GetFromJsonAsync<JsonElement>($"/api/jobs?queue={queue}&limit=10{(cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))}", Token);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(j => j.GetProperty("id").GetString()!));
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        } while (cursor is not null);
        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Reverse(submitted), seen);

        var delays = await Http.GetFromJsonAsync<JsonElement>($"/api/jobs?queue={queue}&type=delay&status=succeeded", Token);
        Assert.Equal(5, delays.GetProperty("items").GetArrayLength());
        Assert.All(delays.GetProperty("items").EnumerateArray(), j => Assert.Equal("delay", j.GetProperty("type").GetString()));
        var none = await Http.GetFromJsonAsync<JsonElement>($"/api/jobs?queue={queue}&status=Failed", Token);
        Assert.Equal(0, none.GetProperty("items").GetArrayLength());
    }

    [Theory]
    [InlineData("status=Exploded")]
    [InlineData("limit=0")]
    [InlineData("limit=many")]
    [InlineData("cursor=!!not-a-cursor!!")]
    public async Task Bad_listing_parameters_are_400_problems(string query)
    {
        using var response = await Http.GetAsync($"/api/jobs?{query}", Token);
        AssertProblem(response, HttpStatusCode.BadRequest, await response.Content.ReadFromJsonAsync<JsonElement>(Token));
    }

    [Fact]
    public async Task Health_dashboard_and_openapi_are_served()
    {
        using var live = await Http.GetAsync("/health/live", Token);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        using var ready = await Http.GetAsync("/health/ready", Token);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        using var dashboard = await Http.GetAsync("/dashboard/", Token);
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("html", (await dashboard.Content.ReadAsStringAsync(Token)).ToLowerInvariant());
        var openApi = await Http.GetStringAsync("/openapi/v1.json", Token);
        Assert.Contains("/api/jobs", openApi);
    }
}

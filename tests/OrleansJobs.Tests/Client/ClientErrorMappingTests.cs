using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using OrleansJobs.Client;
using JobStatus = OrleansJobs.Client.JobStatus;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Client;

/// <summary>
/// The client against a stub handler, for answers the real server does not give today (429, 422, a proxy's HTML error)
/// and for what the client puts on every request.
/// </summary>
[Trait("Kind", "Unit")]
public sealed class ClientErrorMappingTests
{
    private static readonly Uri Base = new("http://jobs.test/");
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private const string FinishedJob =
        """{"id":"job_0123456789abcdef0123456789abcdef","type":"noop","queue":"default","status":"Succeeded","attempts":[],"createdAt":"2030-01-01T00:00:00Z","result":null}""";

    private static (OrleansJobsClient Client, RecordingHandler Requests) Stub(
        Func<HttpRequestMessage, int, HttpResponseMessage> answer, OrleansJobsClientOptions? options = null, TimeProvider? time = null)
    {
        var requests = RecordingHandler.Answering(answer);
        return (new OrleansJobsClient(new HttpClient(requests), options ?? new OrleansJobsClientOptions { BaseAddress = Base }, time), requests);
    }

    private static OrleansJobsClient Answering(HttpResponseMessage response, TimeProvider? time = null) =>
        Stub((_, _) => response, time: time).Client;

    private static HttpResponseMessage Json(HttpStatusCode status, string json, string mediaType = "application/problem+json") =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, mediaType) };

    [Fact]
    public async Task A_429_is_a_throttled_error_with_the_retry_after_delay()
    {
        var response = Json(HttpStatusCode.TooManyRequests, """{"status":429,"title":"Too many requests","detail":"Slow down: 100 submits a minute."}""");
        response.Headers.Add("Retry-After", "7");

        var error = await Assert.ThrowsAsync<JobThrottledException>(() => Answering(response).SubmitAsync("noop", cancellationToken: Token));

        Assert.Equal(TimeSpan.FromSeconds(7), error.RetryAfter);
        Assert.Equal(HttpStatusCode.TooManyRequests, error.StatusCode);
        Assert.Equal("Too many requests", error.Title);
        Assert.Equal("Slow down: 100 submits a minute.", error.Detail);
        Assert.Equal("Too many requests (429 TooManyRequests): Slow down: 100 submits a minute.", error.Message);
    }

    [Fact]
    public async Task A_retry_after_date_is_counted_from_the_clients_clock()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero));
        var response = Json(HttpStatusCode.ServiceUnavailable, """{"status":503,"title":"Service unavailable"}""");
        response.Headers.RetryAfter = new(time.GetUtcNow().AddSeconds(30));

        var error = await Assert.ThrowsAsync<JobServiceUnavailableException>(() => Answering(response, time).GetAsync("job_x", Token));

        Assert.Equal(TimeSpan.FromSeconds(30), error.RetryAfter);
        Assert.Null(error.Detail);
    }

    [Fact]
    public async Task A_503_without_retry_after_has_none()
    {
        var error = await Assert.ThrowsAsync<JobServiceUnavailableException>(() =>
            Answering(Json(HttpStatusCode.ServiceUnavailable, """{"status":503}""")).GetAsync("job_x", Token));

        Assert.Null(error.RetryAfter);
    }

    [Fact]
    public async Task A_422_is_a_validation_error_with_its_field_errors()
    {
        var response = Json(HttpStatusCode.UnprocessableEntity,
            """{"type":"https://example.test/invalid","title":"Invalid","status":422,"errors":{"payload.width":["Must be positive.","Must be even."],"tags":"Too many."}}""");

        var error = await Assert.ThrowsAsync<JobValidationException>(() => Answering(response).SubmitAsync("resize", new { width = -3 }, cancellationToken: Token));

        Assert.Equal(["Must be positive.", "Must be even."], error.Errors["payload.width"]);
        Assert.Equal(["Too many."], error.Errors["tags"]);
        Assert.Equal("https://example.test/invalid", error.ProblemType);
        Assert.Equal("Invalid (422): payload.width: Must be positive. Must be even.; tags: Too many.", error.Message);
    }

    [Fact]
    public async Task An_error_without_problem_details_is_the_base_exception_with_the_reason_phrase()
    {
        var response = Json(HttpStatusCode.BadGateway, "<html>upstream down</html>", "text/html");

        var error = await Assert.ThrowsAsync<OrleansJobsException>(() => Answering(response).GetAsync("job_x", Token));

        Assert.Equal(typeof(OrleansJobsException), error.GetType());
        Assert.Equal(HttpStatusCode.BadGateway, error.StatusCode);
        Assert.Null(error.RawProblem);
        Assert.Equal("Bad Gateway", error.Title);
        Assert.Contains("502", error.Message);
    }

    [Fact]
    public async Task A_conflict_without_a_known_job_status_still_maps_to_a_conflict()
    {
        var error = await Assert.ThrowsAsync<JobConflictException>(() =>
            Answering(Json(HttpStatusCode.Conflict, """{"status":409,"jobStatus":"Exploded"}""")).CancelAsync("job_x", Token));

        Assert.Null(error.CurrentStatus);
        Assert.Equal("job_x", error.JobId);
    }

    [Fact]
    public async Task The_api_key_goes_in_a_header_of_every_request_when_set()
    {
        var (client, requests) = Stub((request, _) => request.Method == HttpMethod.Get && request.RequestUri!.AbsolutePath == "/api/jobs"
                ? Json(HttpStatusCode.OK, $$"""{"items":[{{FinishedJob}}],"nextCursor":null}""", "application/json")
                : Json(HttpStatusCode.OK, FinishedJob, "application/json"),
            new OrleansJobsClientOptions { BaseAddress = Base, ApiKey = "s3cret" });

        await client.SubmitAsync("noop", cancellationToken: Token);
        await client.GetAsync("job_x", Token);
        await client.ListAsync(cancellationToken: Token).ToListAsync(Token);
        await client.CancelAsync("job_x", Token);

        Assert.Equal(4, requests.Sent.Count);
        Assert.All(requests.Sent, request => Assert.Equal("s3cret", request.ApiKey));
    }

    [Fact]
    public async Task Without_an_api_key_no_key_header_is_sent()
    {
        var (client, requests) = Stub((_, _) => Json(HttpStatusCode.OK, FinishedJob, "application/json"));

        await client.GetAsync("job_x", Token);

        Assert.Null(Assert.Single(requests.Sent).ApiKey);
    }

    [Fact]
    public async Task A_base_address_with_a_path_keeps_the_path()
    {
        var (client, requests) = Stub((_, _) => Json(HttpStatusCode.OK, FinishedJob, "application/json"),
            new OrleansJobsClientOptions { BaseAddress = new Uri("http://jobs.test/tenant-a") });

        await client.GetAsync("job_x", Token);

        Assert.Equal("http://jobs.test/tenant-a/api/jobs/job_x", Assert.Single(requests.Sent).Uri.AbsoluteUri);
    }

    [Fact]
    public void A_client_without_an_absolute_address_or_with_bad_timings_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new OrleansJobsClient(new HttpClient()));
        Assert.Throws<ArgumentException>(() => new OrleansJobsClient(new HttpClient(), new OrleansJobsClientOptions { BaseAddress = new Uri("jobs", UriKind.Relative) }));
        Assert.Throws<ArgumentException>(() => new OrleansJobsClient(new HttpClient { BaseAddress = Base }, new OrleansJobsClientOptions { LongPollWait = TimeSpan.FromMinutes(5) }));
        Assert.Throws<ArgumentException>(() => new OrleansJobsClient(new HttpClient { BaseAddress = Base },
            new OrleansJobsClientOptions { MinPollInterval = TimeSpan.FromSeconds(2), MaxPollInterval = TimeSpan.FromSeconds(1) }));
    }

    [Fact]
    public async Task Options_as_the_second_argument_are_options_not_a_payload()
    {
        byte[]? body = null;
        var (capturing, _) = Stub((request, _) =>
        {
            body = request.Content!.ReadAsByteArrayAsync().GetAwaiter().GetResult();
            return Json(HttpStatusCode.Accepted, FinishedJob, "application/json");
        });

        // Without a token both the payload-less and the payload overload fit; the payload-less one must win.
#pragma warning disable xUnit1051
        await capturing.SubmitAsync("noop", new SubmitOptions { Queue = "reports" });
        capturing.Submit("noop", new SubmitOptions { Queue = "reports" });
#pragma warning restore xUnit1051

        var sent = System.Text.Json.JsonDocument.Parse(body!).RootElement;
        Assert.Equal("reports", sent.GetProperty("queue").GetString());
        Assert.False(sent.TryGetProperty("payload", out _));
    }

    [Fact]
    public async Task A_succeeded_job_without_a_result_reads_as_default()
    {
        var job = await Answering(Json(HttpStatusCode.OK, FinishedJob, "application/json")).GetAsync("job_x", Token);

        Assert.Equal(JobStatus.Succeeded, job.Status);
        Assert.Null(job.GetResult<DelayResult>());
        Assert.Equal(0, job.GetResult<int>());
    }
}

using System.Net;
using System.Text.Json;
using OrleansJobs.Jobs;
using OrleansJobs.Tests.Infrastructure;
using static OrleansJobs.Tests.Infrastructure.JobApi;

namespace OrleansJobs.Tests.Server.Api;

/// <summary>Typed job types through the API: their payloads are refused at submit when they do not fit, never failed later.</summary>
[Collection(typeof(SiloHostCollection))]
[Trait("Kind", "Silo")]
public sealed class TypedPayloadApiTests(SiloHostFixture host)
{
    private HttpClient Http => host.Http;

    [Theory]
    [InlineData("""{"type":"delay","payload":{"duration":"soon"}}""", "payload.duration")]
    [InlineData("""{"type":"delay","payload":{"steps":0}}""", "payload.steps")]
    [InlineData("""{"type":"http","payload":{"url":"/relative"}}""", "payload.url")]
    [InlineData("""{"type":"http","payload":{"url":"http://127.0.0.1/","method":"NOT A METHOD"}}""", "payload.method")]
    [InlineData("""{"type":"http"}""", "payload.url")]
    [InlineData("""{"type":"greet","payload":{"name":"Ada","times":4}}""", "payload.times")]
    [InlineData("""{"type":"greet","payload":{"name":"Ada","tone":"grumpy"}}""", "payload.tone")]
    public async Task A_bad_payload_is_a_400_naming_the_field_and_no_job_is_created(string body, string field)
    {
        var key = "typed-" + Guid.NewGuid().ToString("N");

        var (response, problem) = await Http.PostJsonAsync("/api/jobs", body, request => request.Headers.Add("Idempotency-Key", key));

        AssertFieldError(response, problem, field);
        var (lookup, _) = await Http.GetJsonAsync($"/api/jobs/{JobIds.FromIdempotencyKey(key)}");
        Assert.Equal(HttpStatusCode.NotFound, lookup.StatusCode);
    }

    [Fact]
    public async Task A_batch_member_and_a_schedules_job_with_a_bad_payload_are_refused_naming_the_field()
    {
        var (batch, batchProblem) = await Http.PostJsonAsync("/api/batches",
            """{"jobs":[{"type":"noop"},{"type":"delay","payload":{"duration":"soon"}}]}""");
        var (schedule, scheduleProblem) = await Http.PostJsonAsync($"/api/schedules/typed-{Guid.NewGuid():N}",
            """{"cron":"0 * * * *","job":{"type":"delay","payload":{"failAttempts":-1}}}""", request => request.Method = HttpMethod.Put);

        AssertFieldError(batch, batchProblem, "jobs[1].payload.duration");
        AssertFieldError(schedule, scheduleProblem, "job.payload.failAttempts");
    }

    [Fact]
    public async Task A_typed_handler_gets_its_bound_payload_and_its_typed_result_is_the_jobs_result()
    {
        var (response, job) = await Http.PostJsonAsync("/api/jobs?wait=10s", """{"type":"greet","payload":{"name":"Ada","times":2,"tone":"cheerful"}}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Succeeded", Status(job));
        Assert.Equal("""{"text":"Hi, Ada! Hi, Ada!","tone":"Cheerful"}""", JsonSerializer.Serialize(job.GetProperty("result")));
    }
}

using System.Net;
using System.Text.Json;
using OrleansJobs.Jobs;
using static OrleansJobs.Tests.Infrastructure.JobApi;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Grains.Jobs;

/// <summary><c>dependsOn</c> on a single submit, through the HTTP API of the real silo host.</summary>
[Collection(typeof(SiloHostCollection))]
[Trait("Kind", "Silo")]
public sealed class DependsOnTests(SiloHostFixture host)
{
    private HttpClient Http => host.Http;

    [Fact]
    public async Task A_job_waits_scheduled_without_a_due_time_until_its_dependencies_succeed_then_runs()
    {
        var slow = await Http.SubmitAsync("""{"type":"delay","payload":{"duration":"00:00:01.5","steps":3}}""");
        var done = await Http.SubmitAsync("""{"type":"noop"}""");
        await Http.WaitForStatusAsync(done, "Succeeded");

        var (response, waiting) = await Http.PostJsonAsync("/api/jobs", $$"""{"type":"noop","dependsOn":["{{slow}}","{{done}}"]}""");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("Scheduled", Status(waiting));
        Assert.Equal(JsonValueKind.Null, waiting.GetProperty("scheduledAt").ValueKind);
        Assert.Equal([slow, done], waiting.GetProperty("dependsOn").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal("Fail", waiting.GetProperty("onDependencyFailure").GetString());
        var id = waiting.GetProperty("id").GetString()!;
        Assert.Equal("Scheduled", Status(await Http.GetJobAsync(id)));
        // Listing by status shows it among the scheduled jobs.
        var (_, scheduled) = await Http.GetJsonAsync("/api/jobs?status=Scheduled&limit=500");
        Assert.Contains(scheduled.GetProperty("items").EnumerateArray(), j => j.GetProperty("id").GetString() == id);

        var ran = await Http.WaitUntilFinishedAsync(id);
        var dependency = await Http.GetJobAsync(slow);
        Assert.Equal("Succeeded", Status(ran));
        Assert.True(ran.GetProperty("startedAt").GetDateTimeOffset() >= dependency.GetProperty("completedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task A_dependency_that_fails_fails_the_waiting_job_with_an_error_naming_it()
    {
        // Fails its first attempt at once and its second after a second's backoff: the dependent is registered by then.
        var failing = await Http.SubmitAsync("""{"type":"delay","payload":{"failAttempts":2},"maxAttempts":2,"retry":{"initialDelay":"00:00:01","jitter":false}}""");
        var waiting = await Http.SubmitAsync($$"""{"type":"noop","dependsOn":["{{failing}}"]}""");
        Assert.Equal("Scheduled", Status(await Http.GetJobAsync(waiting)));

        var failed = await Http.WaitUntilFinishedAsync(waiting);

        Assert.Equal("Failed", Status(failed));
        Assert.Empty(failed.GetProperty("attempts").EnumerateArray());
        Assert.Contains(failing, failed.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal("DependencyFailed", failed.GetProperty("error").GetProperty("type").GetString());

        // A job depending on a job that has already failed fails at once.
        var late = await Http.SubmitAsync($$"""{"type":"noop","dependsOn":["{{failing}}"]}""");
        Assert.Equal("Failed", Status(await Http.WaitUntilFinishedAsync(late)));
    }

    [Fact]
    public async Task A_dependency_that_is_cancelled_cancels_the_waiting_job_when_it_asks_for_that()
    {
        var longRunning = await Http.SubmitAsync("""{"type":"delay","payload":{"duration":"00:01:00","steps":60}}""");
        var waiting = await Http.SubmitAsync($$"""{"type":"noop","dependsOn":["{{longRunning}}"],"onDependencyFailure":"cancel"}""");
        Assert.Equal("Scheduled", Status(await Http.GetJobAsync(waiting)));

        var (cancel, _) = await Http.PostJsonAsync($"/api/jobs/{longRunning}/cancel", "");
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);

        var cancelled = await Http.WaitUntilFinishedAsync(waiting);
        Assert.Equal("Cancelled", Status(cancelled));
        Assert.Empty(cancelled.GetProperty("attempts").EnumerateArray());
    }

    [Fact]
    public async Task Unknown_or_malformed_dependencies_are_refused_with_400()
    {
        var known = await Http.SubmitAsync("""{"type":"noop"}""");
        var (response, problem) = await Http.PostJsonAsync("/api/jobs", $$"""{"type":"noop","dependsOn":["{{known}}","{{JobIds.New()}}"]}""");
        Assert.Contains("No job has the id", AssertFieldError(response, problem, "dependsOn[1]"));

        var (malformed, malformedProblem) = await Http.PostJsonAsync("/api/jobs", """{"type":"noop","dependsOn":["job_1"]}""");
        AssertFieldError(malformed, malformedProblem, "dependsOn[0]");
        var (option, optionProblem) = await Http.PostJsonAsync("/api/jobs", """{"type":"noop","onDependencyFailure":"ignore"}""");
        AssertFieldError(option, optionProblem, "onDependencyFailure");
    }
}

using System.Net;
using System.Text.Json;
using static OrleansJobs.Tests.Infrastructure.JobApi;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Grains.Handlers;

/// <summary>The <c>http</c> job type end to end: the silo calls a loopback target on its allow-list.</summary>
[Collection(typeof(SiloHostCollection))]
[Trait("Kind", "Silo")]
public sealed class HttpJobTypeTests(SiloHostFixture host, HttpTarget target) : IClassFixture<HttpTarget>
{
    private HttpClient Http => host.Http;

    /// <summary>Fast, exact retries, so that a retried job finishes in well under a second.</summary>
    private static string HttpJob(string url) =>
        JsonSerializer.Serialize(new { type = "http", payload = new { url }, maxAttempts = 3, retry = new { initialDelay = "100ms", jitter = false } });

    [Fact]
    public async Task Http_job_answered_200_succeeds_with_the_status_and_body_as_result()
    {
        var (url, name) = target.Answering(200);

        var (response, job) = await Http.PostJsonAsync("/api/jobs?wait=10s", HttpJob(url));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Succeeded", Status(job));
        Assert.Equal(200, job.GetProperty("result").GetProperty("status").GetInt32());
        Assert.Equal(1, job.GetProperty("result").GetProperty("body").GetProperty("call").GetInt32());
        Assert.Equal("Succeeded", Outcome(job.GetProperty("attempts").EnumerateArray().Single()));
        Assert.Equal(1, target.Calls(name));
    }

    [Fact]
    public async Task Http_job_answered_500_is_retried_and_then_succeeds()
    {
        var (url, name) = target.Answering(500, 200);

        var done = await Http.WaitUntilFinishedAsync(await Http.SubmitAsync(HttpJob(url)));

        Assert.Equal("Succeeded", Status(done));
        Assert.Equal(2, done.GetProperty("result").GetProperty("body").GetProperty("call").GetInt32());
        var attempts = done.GetProperty("attempts").EnumerateArray().ToList();
        Assert.Equal(["Failed", "Succeeded"], attempts.Select(Outcome));
        Assert.Contains("500", attempts[0].GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(2, target.Calls(name));
    }

    [Fact]
    public async Task Http_job_answered_404_fails_without_a_retry()
    {
        var (url, name) = target.Answering(404);

        var done = await Http.WaitUntilFinishedAsync(await Http.SubmitAsync(HttpJob(url)));

        Assert.Equal("Failed", Status(done));
        Assert.Contains("404", done.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal("Failed", Outcome(done.GetProperty("attempts").EnumerateArray().Single()));
        Assert.Equal(1, target.Calls(name));
    }

    [Fact]
    public async Task Http_job_to_a_host_off_the_allow_list_fails_without_calling_it()
    {
        var (url, name) = target.Answering(200);
        var offList = new UriBuilder(url) { Host = "localhost" }.Uri.ToString();

        var done = await Http.WaitUntilFinishedAsync(await Http.SubmitAsync(HttpJob(offList)));

        Assert.Equal("Failed", Status(done));
        Assert.Contains("AllowedHosts", done.GetProperty("error").GetProperty("message").GetString());
        Assert.Single(done.GetProperty("attempts").EnumerateArray());
        Assert.Equal(0, target.Calls(name));
    }
}

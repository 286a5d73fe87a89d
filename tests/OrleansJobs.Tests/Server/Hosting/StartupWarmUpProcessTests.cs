using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansJobs.Server.Hosting;
using OrleansJobs.Tests.Infrastructure;
using OrleansJobs.Tests.Server.Auth;

namespace OrleansJobs.Tests.Server.Hosting;

/// <summary>
/// The start-up warm-up (<c>OrleansJobs:WarmUp</c>) on the standalone silo as a real process, with an API key
/// configured so that anonymous calls are refused: the silo answers "not ready" while it runs its no-op jobs through
/// its own API, reports ready once they ran, and leaves none of them behind.
/// </summary>
[Trait("Kind", "Process")]
public sealed class StartupWarmUpProcessTests
{
    private const string Admin = "oj_test-warm-up-admin-secret";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_silo_reports_ready_only_after_its_warm_up_jobs_ran_and_leaves_none_of_them()
    {
        await using var silo = SiloProcess.Start(new SiloProcessOptions
        {
            Args = [.. KeyedSiloFixture.KeyArgs("admin", Admin, "admin"), "--OrleansJobs:WarmUp:Jobs=200", "--OrleansJobs:WarmUp:Pause=00:00:02"],
        });

        // The server listens before the warm-up starts, and the two rounds end in two seconds' pause each: the probe
        // sees "not ready" (503) in between, whatever the machine's speed.
        var answers = await ReadinessAnswersUntilReadyAsync(silo, TimeSpan.FromSeconds(120));
        Assert.Contains(HttpStatusCode.ServiceUnavailable, answers);
        Assert.Contains("Warmed up with 400 no-op jobs in 2 rounds", silo.RecentOutput());

        // Deny by default still holds (the warm-up's own key was the process's, in memory, for the warm-up only).
        using (var anonymous = await silo.Http.GetAsync("api/jobs", Token))
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        // An admin sees every job: none of the warm-up's is left, in any status, and its queue is gone with them.
        silo.Http.DefaultRequestHeaders.Authorization = new("Bearer", Admin);
        var jobs = await silo.Http.GetFromJsonAsync<JsonElement>($"api/jobs?queue={StartupWarmUp.Queue}&limit=10", Token);
        Assert.Equal(0, jobs.GetProperty("items").GetArrayLength());
        var all = await silo.Http.GetFromJsonAsync<JsonElement>("api/jobs?limit=10", Token);
        Assert.Equal(0, all.GetProperty("items").GetArrayLength());

        // And the silo takes real work.
        using var submitted = await silo.Http.PostAsJsonAsync("api/jobs", new { type = "noop" }, Token);
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
    }

    [Fact]
    public async Task A_warm_up_that_overruns_its_timeout_is_logged_and_the_silo_reports_ready_anyway()
    {
        await using var silo = SiloProcess.Start(new SiloProcessOptions
        {
            Args = ["--OrleansJobs:WarmUp:Jobs=100000", "--OrleansJobs:WarmUp:Timeout=00:00:02"],
        });

        var answers = await ReadinessAnswersUntilReadyAsync(silo, TimeSpan.FromSeconds(120));
        Assert.Contains(HttpStatusCode.ServiceUnavailable, answers);
        Assert.Contains("The start-up warm-up did not finish", silo.RecentOutput());
    }

    [Fact]
    public async Task A_warm_up_setting_out_of_range_stops_the_start_with_a_message_naming_it()
    {
        await using var silo = SiloProcess.Start(new SiloProcessOptions { Args = ["--OrleansJobs:WarmUp:Jobs=-1"] });
        Assert.NotEqual(0, await silo.ExitedAsync(TimeSpan.FromSeconds(90)));
        Assert.Contains("Jobs", silo.RecentOutput());
    }

    /// <summary>Polls <c>/health/ready</c> every 50 ms until it answers 200; returns every answer seen once the server listened.</summary>
    private static async Task<List<HttpStatusCode>> ReadinessAnswersUntilReadyAsync(SiloProcess silo, TimeSpan timeout)
    {
        var answers = new List<HttpStatusCode>();
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(silo.HasExited, $"The silo exited before it was ready:\n{silo.RecentOutput()}");
            try
            {
                using var response = await silo.Http.GetAsync("health/ready", Token);
                answers.Add(response.StatusCode);
                if (response.StatusCode == HttpStatusCode.OK) return answers;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(50, Token);
        }
        Assert.Fail($"The silo was not ready within {timeout}:\n{silo.RecentOutput()}");
        return answers;
    }
}

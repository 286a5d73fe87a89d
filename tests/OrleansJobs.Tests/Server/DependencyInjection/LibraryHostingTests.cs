using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansJobs.Client;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Server.DependencyInjection;

/// <summary>
/// OrleansJobs as a library in a user's app (tests/OrleansJobs.TestApp, a real process): <c>AddOrleansJobs</c> with the
/// app's own typed handlers, <c>MapOrleansJobs</c> under a prefix, submits over HTTP and from the app's code
/// (<see cref="IJobClient"/> in process), in an app with no Orleans of its own and in one that is a silo already.
/// </summary>
[Trait("Kind", "Process")]
public sealed class LibraryHostingTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_app_runs_its_own_typed_handler_under_its_prefix_and_watches_its_progress_live()
    {
        await using var app = await StartAsync("--TestApp:Prefix=/jobs");
        using var root = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{app.HttpPort}/") };

        // The app keeps its own pages; the job service lives under /jobs.
        Assert.Equal("The test app's own page.", await root.GetStringAsync("/", Token));
        // 20 steps of a second: the watch sees progress long before the job could end, however slow the machine.
        using (var submitted = await app.Http.PostAsJsonAsync("api/jobs", Greet("Ada", steps: 20, stepMilliseconds: 1000), Token))
        {
            Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
            var id = (await submitted.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("id").GetString()!;
            Assert.Equal($"/jobs/api/jobs/{id}", submitted.Headers.Location?.OriginalString);

            // Live progress over the app's hub at /jobs/hubs/jobs, through the client library; once the handler's
            // progress has arrived the job is cancelled, and the watch ends with that.
            await using var client = new OrleansJobsClient(app.Http);
            var events = new List<JobEvent>();
            using var watch = CancellationTokenSource.CreateLinkedTokenSource(Token);
            watch.CancelAfter(TimeSpan.FromSeconds(90));
            await foreach (var e in client.WatchAsync(id, watch.Token))
            {
                events.Add(e);
                if (e is { Kind: JobEventKind.Progress, Percent: > 0 } && e.Message?.StartsWith("step ", StringComparison.Ordinal) == true
                    && events.Count(p => p.Kind == JobEventKind.Progress) == 1)
                    await client.CancelAsync(id, Token);
            }
            Assert.Contains(events, e => e is { Kind: JobEventKind.Progress, Percent: > 0 and < 100 });
            Assert.Equal(JobStatus.Cancelled, events[^1].Status);
        }

        // A bad payload of the app's type is a 400 naming the fields, at submit.
        using (var refused = await app.Http.PostAsJsonAsync("api/jobs", new { type = "greet", payload = new { steps = 0 } }, Token))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            var errors = (await refused.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("errors");
            Assert.True(errors.TryGetProperty("payload.name", out _), errors.ToString());
            Assert.True(errors.TryGetProperty("payload.steps", out _), errors.ToString());
        }

        // The API's problem documents cover its own paths, not the rest of the app.
        using (var missingJob = await app.Http.GetAsync("api/jobs/no-such-job", Token))
        {
            Assert.Equal(HttpStatusCode.NotFound, missingJob.StatusCode);
            Assert.Equal("application/problem+json", missingJob.Content.Headers.ContentType?.MediaType);
        }
        using (var missingPage = await root.GetAsync("/no-such-page", Token))
        {
            Assert.Equal(HttpStatusCode.NotFound, missingPage.StatusCode);
            Assert.NotEqual("application/problem+json", missingPage.Content.Headers.ContentType?.MediaType);
        }

        // The app's own code submits through IJobClient, in process, and the job is the API's like any other.
        // (200 with the finished job within 2 s; 202 on a machine too slow for that, and it finishes later.)
        using var fromCode = await root.PostAsync("/app/greet/Linus?steps=2", content: null, Token);
        Assert.Contains(fromCode.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Accepted });
        var codedId = (await fromCode.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("id").GetString()!;
        await using var reader = new OrleansJobsClient(app.Http);
        var coded = await reader.WaitForCompletionAsync(codedId, TimeSpan.FromSeconds(60), Token);
        Assert.Equal(JobStatus.Succeeded, coded.Status);
        Assert.Equal("Hello, Linus!", coded.Result?.GetProperty("greeting").GetString());

        // With no Orleans of its own, the app got the job service's silo: its service id and reminders on the job database.
        var silo = await root.GetFromJsonAsync<JsonElement>("/app/silo", Token);
        Assert.Equal("orleansjobs", silo.GetProperty("serviceId").GetString());
        Assert.Equal("AdoNetReminderTable", silo.GetProperty("reminderTable").GetString());
    }

    [Fact]
    public async Task In_an_app_that_is_a_silo_already_the_jobs_join_it_and_keep_its_choices()
    {
        await using var app = await StartAsync("--TestApp:Join=true");
        using var root = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{app.HttpPort}/") };

        // The app's clustering and in-memory reminders stand; the job service did not bring its own.
        var silo = await root.GetFromJsonAsync<JsonElement>("/app/silo", Token);
        Assert.Equal("testapp", silo.GetProperty("serviceId").GetString());
        Assert.Equal("InMemoryReminderTable", silo.GetProperty("reminderTable").GetString());

        await using var client = new OrleansJobsClient(app.Http);
        var job = await client.SubmitAndWaitAsync("greet", new { name = "Grace" }, TimeSpan.FromSeconds(60), cancellationToken: Token);
        Assert.Equal(JobStatus.Succeeded, job.Status);
        Assert.Equal("Hello, Grace!", job.Result?.GetProperty("greeting").GetString());
    }

    private static object Greet(string name, int steps, int stepMilliseconds) =>
        new { type = "greet", payload = new { name, steps, stepMilliseconds } };

    private static Task<SiloProcess> StartAsync(params string[] args)
    {
        var prefix = args.Any(a => a.StartsWith("--TestApp:Prefix=", StringComparison.Ordinal)) ? "jobs/" : "";
        return SiloProcess.StartReadyAsync(new SiloProcessOptions { Assembly = SiloProcessOptions.TestApp, PathPrefix = prefix, Args = args });
    }
}

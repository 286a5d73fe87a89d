using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OrleansJobs.Client;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Grains.Schedules;

[Collection(typeof(SiloHostCollection))]
[Trait("Kind", "Silo")]
public sealed class ScheduleApiTests(SiloHostFixture host)
{
    private HttpClient Http => host.Http;
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static string NewName() => "s-" + Guid.NewGuid().ToString("N")[..12];

    private async Task<(HttpResponseMessage Response, JsonElement Body)> PutAsync(string name, string json)
    {
        var response = await Http.PutAsync($"/api/schedules/{name}", new StringContent(json, Encoding.UTF8, "application/json"), Token);
        var text = await response.Content.ReadAsStringAsync(Token);
        return (response, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>The schedule's jobs: each test's jobs go to a queue of its own, named after the schedule.</summary>
    private async Task<List<JsonElement>> JobsOfAsync(string queue)
    {
        var page = await Http.GetFromJsonAsync<JsonElement>($"/api/jobs?queue={queue}&limit=500", Token);
        return [.. page.GetProperty("items").EnumerateArray()];
    }

    private static (DateTimeOffset Start, DateTimeOffset End) RunTime(JsonElement job)
    {
        var attempt = job.GetProperty("attempts").EnumerateArray().Single();
        return (attempt.GetProperty("startedAt").GetDateTimeOffset(), attempt.GetProperty("endedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Put_creates_then_replaces_get_shows_the_next_five_occurrences_and_delete_removes()
    {
        var name = NewName();
        var (created, schedule) = await PutAsync(name, """{"cron":"0 9 * * 1-5","timeZone":"Europe/Berlin","job":{"type":"noop","payload":{"report":"daily"}}}""");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/api/schedules/{name}", created.Headers.Location?.OriginalString);
        Assert.Equal("fireOnce", schedule.GetProperty("misfire").GetString());
        Assert.Equal("allow", schedule.GetProperty("overlap").GetString());
        Assert.Equal("daily", schedule.GetProperty("job").GetProperty("payload").GetProperty("report").GetString());
        var next = schedule.GetProperty("nextOccurrences").EnumerateArray().Select(o => o.GetDateTimeOffset()).ToList();
        Assert.Equal(5, next.Count);
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        Assert.All(next, at =>
        {
            var local = TimeZoneInfo.ConvertTime(at, berlin);
            Assert.Equal((9, 0), (local.Hour, local.Minute));
            Assert.InRange(local.DayOfWeek, DayOfWeek.Monday, DayOfWeek.Friday);
        });

        var (replaced, again) = await PutAsync(name, """{"cron":"0 10 * * *","job":{"type":"noop"},"misfire":"skip","overlap":"wait"}""");
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.Equal(("0 10 * * *", "skip", "wait"), (again.GetProperty("cron").GetString(), again.GetProperty("misfire").GetString(), again.GetProperty("overlap").GetString()));

        var list = await Http.GetFromJsonAsync<JsonElement>("/api/schedules", Token);
        Assert.Contains(list.GetProperty("items").EnumerateArray(), s => s.GetProperty("name").GetString() == name);

        using var deleted = await Http.DeleteAsync($"/api/schedules/{name}", Token);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var gone = await Http.GetAsync($"/api/schedules/{name}", Token);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("application/problem+json", gone.Content.Headers.ContentType?.MediaType);
        using var deletedAgain = await Http.DeleteAsync($"/api/schedules/{name}", Token);
        Assert.Equal(HttpStatusCode.NotFound, deletedAgain.StatusCode);
        list = await Http.GetFromJsonAsync<JsonElement>("/api/schedules", Token);
        Assert.DoesNotContain(list.GetProperty("items").EnumerateArray(), s => s.GetProperty("name").GetString() == name);
    }

    [Theory]
    [InlineData("""{"cron":"* * * *","job":{"type":"noop"}}""", "cron")]
    [InlineData("""{"cron":"99 * * * *","job":{"type":"noop"}}""", "cron")]
    [InlineData("""{"cron":"0 * * * *","timeZone":"Europe/Atlantis","job":{"type":"noop"}}""", "timeZone")]
    [InlineData("""{"cron":"0 * * * *","job":{"type":"no-such-type"}}""", "job.type")]
    [InlineData("""{"cron":"0 * * * *","job":{"type":"noop","maxAttempts":0}}""", "job.maxAttempts")]
    [InlineData("""{"cron":"0 * * * *","job":{"type":"noop","runAt":"2030-01-01T00:00:00Z"}}""", "job.runAt")]
    [InlineData("""{"cron":"0 * * * *","job":{"type":"noop","idempotencyKey":"k"}}""", "job.idempotencyKey")]
    [InlineData("""{"cron":"0 * * * *","job":{"type":"noop"},"misfire":"later"}""", "misfire")]
    [InlineData("""{"cron":"0 * * * *","job":{"type":"noop"},"overlap":"sometimes"}""", "overlap")]
    [InlineData("""{"cron":"0 * * * *","job":{"type":"noop"},"paused":"yes"}""", "paused")]
    [InlineData("""{"cron":"0 * * * *"}""", "job")]
    [InlineData("""{"job":{"type":"noop"}}""", "cron")]
    [InlineData("""{"cron":"0 * * * *","job":{"type":"noop"},"every":"hour"}""", "every")]
    public async Task Invalid_schedule_is_refused_with_problem_details_naming_the_field(string json, string field)
    {
        var name = NewName();
        var (response, problem) = await PutAsync(name, json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"no error for '{field}' in {problem}");
        using var absent = await Http.GetAsync($"/api/schedules/{name}", Token);
        Assert.Equal(HttpStatusCode.NotFound, absent.StatusCode);
    }

    [Fact]
    public async Task Bad_name_and_malformed_json_are_refused()
    {
        var (badName, _) = await PutAsync("with%20space", """{"cron":"0 * * * *","job":{"type":"noop"}}""");
        Assert.Equal(HttpStatusCode.BadRequest, badName.StatusCode);
        var (malformed, problem) = await PutAsync(NewName(), "{ not json");
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("The body is not valid JSON.", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Client_puts_triggers_pauses_and_maps_errors_to_typed_exceptions()
    {
        await using var client = new OrleansJobsClient(Http);
        var name = NewName();
        var schedule = await client.PutScheduleAsync(name, new ScheduleRequest
        {
            Cron = "0 0 1 1 *",
            TimeZone = "America/New_York",
            JobType = "noop",
            Payload = new { hello = "world" },
            JobOptions = new SubmitOptions { Queue = name, Tags = new Dictionary<string, string> { ["team"] = "ops" }, Labels = ["scheduled", name] },
            Misfire = ScheduleMisfire.Skip,
            Overlap = ScheduleOverlap.Skip,
        }, Token);
        Assert.Equal((ScheduleMisfire.Skip, ScheduleOverlap.Skip, false), (schedule.Misfire, schedule.Overlap, schedule.Paused));
        Assert.Equal(5, schedule.NextOccurrences.Count);

        var first = await client.TriggerScheduleAsync(name, Token);
        var second = await client.TriggerScheduleAsync(name, Token);
        Assert.NotEqual(first.Id, second.Id);
        Assert.Equal(name, first.Queue);
        Assert.Equal("world", first.Payload?.GetProperty("hello").GetString());
        Assert.Equal((name, "ops"), (first.Tags?["schedule"], first.Tags?["team"]));
        Assert.True(first.Tags?.ContainsKey("triggeredAt"));
        Assert.Equal(["scheduled", name], first.Labels);
        Assert.Equal([second.Id, first.Id], await client.ListAsync(new JobListFilter { Label = name }, Token).Select(j => j.Id).ToListAsync(Token));
        Assert.Equal(JobStatus.Succeeded, (await client.WaitForCompletionAsync(second.Id, TimeSpan.FromSeconds(20), Token)).Status);
        var read = await client.GetScheduleAsync(name, Token);
        Assert.Equal((second.Id, 2L), (read.LastJobId, read.Fired));
        Assert.Equal([second.Id, first.Id], read.RecentJobIds); // newest first
        var triggered = new List<string>();
        for (var i = 0; i < 10; i++) triggered.Add((await client.TriggerScheduleAsync(name, Token)).Id);
        triggered.Reverse();
        Assert.Equal(triggered, (await client.GetScheduleAsync(name, Token)).RecentJobIds); // the last ten, no more

        Assert.True((await client.PauseScheduleAsync(name, Token)).Paused);
        Assert.False((await client.ResumeScheduleAsync(name, Token)).Paused);
        Assert.Contains(await client.ListSchedulesAsync(Token), s => s.Name == name);
        await client.DeleteScheduleAsync(name, Token);

        var missing = await Assert.ThrowsAsync<OrleansJobs.Client.ScheduleNotFoundException>(() => client.GetScheduleAsync(name, Token));
        Assert.Equal(name, missing.Name);
        await Assert.ThrowsAsync<OrleansJobs.Client.ScheduleNotFoundException>(() => client.TriggerScheduleAsync(name, Token));
        await Assert.ThrowsAsync<OrleansJobs.Client.ScheduleNotFoundException>(() => client.DeleteScheduleAsync(name, Token));
        var invalid = await Assert.ThrowsAsync<JobValidationException>(() => client.PutScheduleAsync(name, new ScheduleRequest { Cron = "0 * * * *", TimeZone = "Nowhere/Land", JobType = "noop" }, Token));
        Assert.Contains("timeZone", invalid.Errors.Keys);
        await Assert.ThrowsAsync<ArgumentException>(() => client.PutScheduleAsync(name, new ScheduleRequest { Cron = "0 * * * *", JobType = "noop", JobOptions = new SubmitOptions { Delay = TimeSpan.FromMinutes(1) } }, Token));
    }

    [Fact]
    public async Task Paused_schedule_fires_nothing_and_resume_goes_on_from_the_next_occurrence()
    {
        var name = NewName();
        var (created, _) = await PutAsync(name, $$"""{"cron":"* * * * * *","job":{"type":"noop","queue":"{{name}}"},"paused":true}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        await Task.Delay(TimeSpan.FromSeconds(2.5), Token);
        Assert.Empty(await JobsOfAsync(name));

        var resumedAt = DateTimeOffset.UtcNow;
        using var resumed = await Http.PostAsync($"/api/schedules/{name}/resume", null, Token);
        Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
        await Eventually.Until(async () => (await JobsOfAsync(name)).Count >= 3, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200), "the resumed schedule did not fire");
        using var paused = await Http.PostAsync($"/api/schedules/{name}/pause", null, Token);
        var occurrences = (await JobsOfAsync(name)).Select(j => DateTimeOffset.Parse(j.GetProperty("tags").GetProperty("occurrence").GetString()!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        // Nothing of the paused time was caught up: every occurrence is after the resume, and none fired twice.
        Assert.All(occurrences, o => Assert.True(o > resumedAt.AddSeconds(-1), $"{o:O} is before the resume at {resumedAt:O}"));
        Assert.Equal(occurrences.Count, occurrences.Distinct().Count());
    }

    [Theory]
    [InlineData("skip")]
    [InlineData("wait")]
    public async Task Overlap_skip_and_wait_never_run_two_jobs_of_the_schedule_at_once(string overlap)
    {
        var name = NewName();
        await PutAsync(name, $$$"""{"cron":"* * * * * *","job":{"type":"delay","queue":"{{{name}}}","payload":{"duration":"00:00:01.500","steps":1}},"overlap":"{{{overlap}}}"}""");
        await Eventually.Until(async () => (await JobsOfAsync(name)).Count(j => j.GetProperty("status").GetString() == "Succeeded") >= 3,
            TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(250), "the schedule did not run three jobs");
        using var paused = await Http.PostAsync($"/api/schedules/{name}/pause", null, Token);
        var schedule = await Http.GetFromJsonAsync<JsonElement>($"/api/schedules/{name}", Token);

        var done = (await JobsOfAsync(name)).Where(j => j.GetProperty("status").GetString() == "Succeeded").Select(RunTime).OrderBy(r => r.Start).ToList();
        for (var i = 1; i < done.Count; i++)
            Assert.True(done[i].Start >= done[i - 1].End, $"job {i} started at {done[i].Start:O}, before job {i - 1} ended at {done[i - 1].End:O}");
        // Occurrences came every second while each job ran 1.5 s: some were dropped (skip) or folded into the waiting one (wait).
        Assert.True(schedule.GetProperty("skipped").GetInt64() > 0);
    }
}

using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Server.JobsConsole;

/// <summary>
/// The console's queue, schedule and batch pages and the overview's charts in a real Chromium against the real silo
/// host: each test acts as an operator would and checks the outcome through the HTTP API.
/// </summary>
[Trait("Kind", "Browser")]
[Collection(typeof(SiloHostCollection))]
public sealed class ConsolePagesTests(SiloHostFixture silo) : ConsoleBrowserTest
{
    protected override Uri Site => silo.BaseAddress;

    private HttpClient Http => silo.Http;

    [Fact]
    public async Task Queue_page_saves_limits_the_api_then_reports_and_shows_a_refusal_beside_its_field()
    {
        var queue = "console-limits-" + Guid.NewGuid().ToString("N")[..8];
        await Http.WaitUntilFinishedAsync(await Http.SubmitAsync($$"""{"type":"noop","queue":"{{queue}}"}"""));

        await OpenAsync("queues");
        await Page.GetByRole(AriaRole.Link, new() { Name = queue, Exact = true }).ClickAsync();
        await Assertions.Expect(Page).ToHaveURLAsync(new Regex($"/console/queues/{queue}$"));
        await Page.GetByLabel("Max concurrency", new() { Exact = true }).FillAsync("3");
        await Page.GetByLabel("Rate (starts per second)").FillAsync("2.5");
        await Page.GetByLabel("Burst").FillAsync("5");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save limits" }).ClickAsync();
        await Assertions.Expect(Page.Locator("#notice")).ToHaveTextAsync($"Queue {queue}: limits saved.");

        var (_, saved) = await Http.GetJsonAsync($"/api/queues/{queue}");
        Assert.Equal(3, saved.GetProperty("maxConcurrency").GetInt32());
        Assert.Equal(JsonValueKind.Null, saved.GetProperty("maxConcurrencyPerKey").ValueKind);
        Assert.Equal(2.5, saved.GetProperty("ratePerSecond").GetDouble());
        Assert.Equal(5, saved.GetProperty("burst").GetInt32());
        await Screenshot("queue");

        // A burst without a rate, and a concurrency of 0: the API refuses both, and each message stands by its field.
        await Page.GetByLabel("Rate (starts per second)").FillAsync("");
        await Page.GetByLabel("Max concurrency", new() { Exact = true }).FillAsync("0");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save limits" }).ClickAsync();
        await Assertions.Expect(Page.Locator("#error-burst")).ToHaveTextAsync("A burst needs a ratePerSecond.");
        await Assertions.Expect(Page.Locator("#error-maxConcurrency")).ToContainTextAsync("A whole number from 1");
        await Assertions.Expect(Page.GetByLabel("Burst")).ToHaveAttributeAsync("aria-invalid", "true");
        await Screenshot("queue-refused");
        var (_, unchanged) = await Http.GetJsonAsync($"/api/queues/{queue}");
        Assert.Equal(3, unchanged.GetProperty("maxConcurrency").GetInt32());

        // Emptied, the fields mean no limit; the keyboard alone saves the form.
        foreach (var field in new[] { "Max concurrency", "Burst" }) await Page.GetByLabel(field, new() { Exact = true }).FillAsync("");
        await Page.GetByLabel("Burst").PressAsync("Enter");
        await Assertions.Expect(Page.Locator("#error-burst")).ToHaveTextAsync("");
        await Eventually.Until(async () => (await Http.GetJsonAsync($"/api/queues/{queue}")).Body.GetProperty("maxConcurrency").ValueKind == JsonValueKind.Null,
            ConsoleBrowser.Patience, TimeSpan.FromMilliseconds(200), "the emptied limits were not saved");

        // On a phone the page fits the screen's width.
        await Page.SetViewportSizeAsync(390, 844);
        await OpenAsync($"queues/{queue}");
        await Assertions.Expect(Page.GetByRole(AriaRole.Button, new() { Name = "Save limits" })).ToBeVisibleAsync();
        Assert.True(await Page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), "the queue page scrolls sideways on a phone");
        await Screenshot("queue-phone");
    }

    [Fact]
    public async Task Schedule_page_shows_the_next_occurrences_triggers_a_job_and_pauses_and_resumes()
    {
        var name = "console-schedule-" + Guid.NewGuid().ToString("N")[..8];
        using (var created = await Http.PutAsync($"/api/schedules/{name}", Json("""
            {"cron":"0 9 * * 1","timeZone":"Europe/Berlin","job":{"type":"noop"}}
            """), Token))
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var (_, schedule) = await Http.GetJsonAsync($"/api/schedules/{name}");
        var next = schedule.GetProperty("nextOccurrences").EnumerateArray().Select(at => at.GetDateTimeOffset()).ToList();
        Assert.Equal(5, next.Count);

        await OpenAsync("schedules");
        await Screenshot("schedules");
        await Page.GetByRole(AriaRole.Link, new() { Name = name, Exact = true }).ClickAsync();
        await Assertions.Expect(Page).ToHaveURLAsync(new Regex($"/console/schedules/{name}$"));
        var occurrences = Page.Locator("#next time");
        await Assertions.Expect(occurrences).ToHaveCountAsync(5);
        var shown = (await occurrences.EvaluateAllAsync<string[]>("times => times.map(t => t.getAttribute('datetime'))"))
            .Select(at => DateTimeOffset.Parse(at, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(next, shown);
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        Assert.All(shown, at => Assert.Equal((DayOfWeek.Monday, 9, 0), (TimeZoneInfo.ConvertTime(at, berlin).DayOfWeek, TimeZoneInfo.ConvertTime(at, berlin).Hour,
            TimeZoneInfo.ConvertTime(at, berlin).Minute)));
        await Assertions.Expect(Page.GetByText("No runs yet.")).ToBeVisibleAsync();

        await Page.GetByRole(AriaRole.Button, new() { Name = "Trigger now" }).ClickAsync();
        var runs = Page.Locator("tbody#runs tr[data-job]");
        await Assertions.Expect(runs).ToHaveCountAsync(1);
        var job = await runs.First.GetAttributeAsync("data-job");
        Assert.NotNull(job);
        await Http.WaitUntilFinishedAsync(job);
        Assert.Equal("Succeeded", JobApi.Status(await Http.GetJobAsync(job)));
        await Screenshot("schedule");

        await Page.GetByRole(AriaRole.Button, new() { Name = "Pause" }).ClickAsync();
        await Assertions.Expect(Page.Locator("#state")).ToHaveTextAsync("Paused");
        Assert.True((await Http.GetJsonAsync($"/api/schedules/{name}")).Body.GetProperty("paused").GetBoolean());
        await Page.GetByRole(AriaRole.Button, new() { Name = "Resume" }).ClickAsync();
        await Assertions.Expect(Page.Locator("#state")).ToHaveTextAsync("Active");
        Assert.False((await Http.GetJsonAsync($"/api/schedules/{name}")).Body.GetProperty("paused").GetBoolean());
        // The run links to its job.
        await Page.GetByRole(AriaRole.Link, new() { Name = job }).ClickAsync();
        await Assertions.Expect(Page.Locator("#status")).ToHaveTextAsync("Succeeded");
    }

    [Fact]
    public async Task Batch_page_bar_advances_as_members_finish_and_a_member_links_back_to_it()
    {
        var id = await ConsoleFlows.SubmitStaggeredBatchAsync(Http);
        await ConsoleFlows.WatchBatchAdvanceAsync(Page, Site, id);
        await Screenshot("batch");

        // From a member, its batch field opens the batch page.
        await Page.Locator("tbody#members a").First.ClickAsync();
        await Page.GetByRole(AriaRole.Link, new() { Name = id }).ClickAsync();
        await Assertions.Expect(Page).ToHaveURLAsync(new Regex($"/console/batches/{id}$"));
    }

    [Fact]
    public async Task Overview_draws_jobs_per_second_and_the_start_delay_once_jobs_have_run()
    {
        for (var i = 0; i < 3; i++) await Http.WaitUntilFinishedAsync(await Http.SubmitAsync("""{"type":"noop"}"""));
        await ConsoleFlows.ExpectChartsAsync(Page, Site);
        await Screenshot("overview-charts");
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
